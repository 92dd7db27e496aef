/**
 * Training without the gradient of the input image.
 *
 * tfjs-layers runs every convolution through `tf.fused.conv2d`, whose gradient computes dx and
 * dW together, eagerly, even where dx is not needed. The convolutions that read the model's
 * input need no dx (the image is not learned), and that useless dx is a transposed convolution
 * at full input resolution: 4 ms of a 45 ms LeNet-5 step, 42 ms of a 1090 ms ResNet-18 step on
 * wasm. While training, those layers here compute `tf.conv2d` plus a bias add instead: the
 * `Conv2D` op's gradient is lazy, so the tape asks only for dW. The layers' classes and configs
 * stay as they are, so a saved model.json is unchanged.
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
    if (layer.weights.length > 0) continue;
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
    const plain = config.activation === 'linear' && config.dataFormat === 'channelsLast' && config.padding !== 'causal';
    if (!readsInput || !plain || !kernel || (config.useBias && !bias)) continue;
    const own = layer.call.bind(layer);
    const strides = config.strides;
    const pad = config.padding === 'same' ? 'same' : 'valid';
    const dilations = config.dilationRate;
    layer.call = (x: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[] => {
      if (kwargs?.training !== true) return own(x, kwargs);
      return tf.tidy(() => {
        const image = Array.isArray(x) ? x[0] : x;
        const y = tf.conv2d(image as tf.Tensor4D, kernel.read() as tf.Tensor4D, strides, pad, 'NHWC', dilations);
        return config.useBias ? tf.add(y, bias.read()) : y;
      });
    };
    patched.add(layer);
  }
  return model;
}
