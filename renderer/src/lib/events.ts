/**
 * Event handler helpers (Svelte 5 has no `|preventDefault` modifier).
 */

/** A handler that stops the browser's default (a form submit reloading the page) and runs `action`. */
export function preventDefault<E extends Event>(action: (e: E) => unknown): (e: E) => void {
  return (e) => {
    e.preventDefault();
    void action(e);
  };
}
