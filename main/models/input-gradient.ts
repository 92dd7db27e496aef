/**
 * Training without the gradient of the input image.
 *
 * tfjs-layers runs every convolution through `tf.fused.conv2d`, whose gradient computes dx and
 * dW together, eagerly, even where dx is not needed. The convolutions that read the model's
 * input need no dx (the image is not learned), and that useless dx is a transposed convolution
 * at full input resolution: 4 ms of a 45 ms LeNet-5 step, 42 ms of a 1090 ms ResNet-18 step on
 * wasm. While training, those layers here compute the same fused convolution under a custom
 * gradient that gives dW and the bias's gradient only. (A plain `tf.conv2d`, whose gradient is
 * lazy, plus a bias add would do as well, but its separate add cost 0.45 ms of a LeNet-5 step.)
 * The layers' classes and configs stay as they are, so a saved model.json is unchanged.
 */
import * as tf from '@tensorflow/tfjs';

type Kwargs = Parameters<tf.layers.Layer['call']>[1];

/** The part of a Conv2D layer's config the training path reads (serialised names). */
interface ConvConfig {
  readonly strides: number | [number, number];
  readonly padding: 'same' | 'valid' | 'causal';
  readonly dataFormat: 'channelsLast' | 'channelsFirst';
  readonly dilationRate: number | [number, number];
  readonly activation: string;
  readonly useBias: boolean;
}

function pair(v: number | [number, number]): [number, number] {
  return typeof v === 'number' ? [v, v] : v;
}

/**
 * conv2d(image, kernel) + bias as tfjs-layers computes it (`tf.fused.conv2d`), with a gradient
 * for the kernel and the bias only: no dx.
 */
function convOfWeights(image: tf.Tensor4D, kernel: tf.Tensor4D, bias: tf.Tensor1D | null, strides: [number, number], pad: 'same' | 'valid'): tf.Tensor4D {
  const forward = (k: tf.Tensor4D, b: tf.Tensor1D | undefined) => tf.fused.conv2d({ x: image, filter: k, bias: b, strides, pad });
  const gradients = (dy: tf.Tensor4D, saved: tf.Tensor[]): tf.Tensor[] => {
    const dW = tf.engine().runKernel(tf.Conv2DBackpropFilter, { x: saved[0], dy }, { strides, pad, dataFormat: 'NHWC', filterShape: kernel.shape }) as tf.Tensor;
    return bias ? [dW, tf.sum(dy, [0, 1, 2])] : [dW];
  };
  if (bias) {
    return tf.customGrad((k, b, save) => {
      (save as tf.GradSaveFunc)([image]);
      return { value: forward(k as tf.Tensor4D, b as tf.Tensor1D), gradFunc: gradients };
    })(kernel, bias);
  }
  return tf.customGrad((k, save) => {
    (save as tf.GradSaveFunc)([image]);
    return { value: forward(k as tf.Tensor4D, undefined), gradFunc: gradients };
  })(kernel);
}

/** Marks the layers already given the training path (skipInputGradient is idempotent). */
const patched = new WeakSet<tf.layers.Layer>();

/**
 * Ids of the model's symbolic tensors that depend on no weight: its inputs and the outputs of
 * weightless layers (zero padding, say) applied to such tensors only.
 */
function weightFreeTensors(model: tf.LayersModel): Set<number> {
  const free = new Set(model.inputs.map((t) => t.id));
  // model.layers is in topological order.
  for (const layer of model.layers) {
    // A layer with only frozen weights (the input normalisation) computes a constant of the input.
    if (layer.trainableWeights.length > 0) continue;
    for (const node of layer.inboundNodes) {
      if (node.inputTensors.every((t) => free.has(t.id))) for (const t of node.outputTensors) free.add(t.id);
    }
  }
  return free;
}

/**
 * Makes each linear, channels-last `Conv2D` layer that reads the model's input (directly or
 * through weightless layers such as AlexNet's zero padding) compute no gradient for that input
 * while training; returns the model.
 *
 * Inference (`training` unset or false) runs the layer's own `call`; results and gradients of
 * the weights are the same either way, up to float rounding.
 */
export function skipInputGradient(model: tf.LayersModel): tf.LayersModel {
  const free = weightFreeTensors(model);
  for (const layer of model.layers) {
    if (layer.getClassName() !== 'Conv2D' || patched.has(layer)) continue;
    const nodes = layer.inboundNodes;
    const readsInput = nodes.length > 0 && nodes.every((n) => n.inputTensors.length === 1 && free.has(n.inputTensors[0].id));
    const config = layer.getConfig() as unknown as ConvConfig;
    const [kernel, bias] = layer.weights;
    const plain = config.activation === 'linear' && config.dataFormat === 'channelsLast' && config.padding !== 'causal' && pair(config.dilationRate).every((d) => d === 1);
    if (!readsInput || !plain || !kernel || (config.useBias && !bias)) continue;
    const own = layer.call.bind(layer);
    const strides = pair(config.strides);
    const pad = config.padding === 'same' ? 'same' : 'valid';
    layer.call = (x: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[] => {
      if (kwargs?.training !== true) return own(x, kwargs);
      const image = (Array.isArray(x) ? x[0] : x) as tf.Tensor4D;
      return tf.tidy(() => convOfWeights(image, kernel.read() as tf.Tensor4D, config.useBias ? (bias.read() as tf.Tensor1D) : null, strides, pad));
    };
    patched.add(layer);
  }
  return model;
}
