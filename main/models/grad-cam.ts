/**
 * Grad-CAM (Selvaraju et al., "Grad-CAM: Visual Explanations from Deep Networks via
 * Gradient-based Localization", ICCV 2017, §3): where in the picture the evidence for a class
 * lies, by the last convolutional feature map A (k channels) weighted by the gradient of the
 * class's score y_c:
 *
 *   α_k = mean over (i, j) of ∂y_c / ∂A_k(i, j)        (Eq. 1)
 *   L_c = ReLU(Σ_k α_k A_k)                            (Eq. 2)
 *
 * The layer used is the same rule in every family: the last spatial feature map, where the
 * classifier head starts — found by walking back from the main output through the head's chain
 * of single-input layers (`camLayerOf`). That is the input of the global average pool for
 * ResNet (`conv5_block2_out` in ResNet-18), DenseNet (`post_relu`), GoogLeNet
 * (`inception5b_concat`) and Inception-v3 (`mixed10`); the input of the flatten before the dense
 * layers for LeNet (`pool2`), AlexNet (`pool5`) and VGG (`block5_pool`); for SqueezeNet, whose
 * classifier is a 1×1 convolution, the last fire module's map (`dropout`) in ours and the
 * class-score map (`classifier_relu`, so Grad-CAM is CAM there) in torchvision's layout.
 */
import * as tf from '@tensorflow/tfjs';

/** The head's first layer (pool or flatten) and the feature layer it reads. */
interface CamSplit {
  /** The layer whose output is the feature map A. */
  readonly feature: tf.layers.Layer;
  /** The head, from A to the main logits, in order; a chain of single-input layers. */
  readonly head: readonly tf.layers.Layer[];
}

/** The layers feeding `layer` where the model that made it applied it (its first node). */
function inboundLayers(layer: tf.layers.Layer): tf.layers.Layer[] {
  const nodes = (layer as unknown as { inboundNodes: { inboundLayers: tf.layers.Layer[] }[] }).inboundNodes;
  return nodes[0]?.inboundLayers ?? [];
}

/** Splits `model` at the feature map its main output's head starts from. */
export function camSplit(model: tf.LayersModel): CamSplit {
  const head: tf.layers.Layer[] = [];
  let layer = model.outputLayers[0];
  for (;;) {
    const inbound = inboundLayers(layer);
    if (inbound.length !== 1) throw new Error(`Grad-CAM: layer ${layer.name} of ${model.name} has ${inbound.length} inputs before any spatial feature map was found`);
    head.unshift(layer);
    const prev = inbound[0];
    const shape = prev.outputShape as number[];
    if (!Array.isArray(shape[0]) && shape.length === 4) return { feature: prev, head };
    layer = prev;
  }
}

/** The name of the layer whose output Grad-CAM explains (see `camSplit`). */
export function camLayerOf(model: tf.LayersModel): string {
  return camSplit(model).feature.name;
}

/** A Grad-CAM map: `size`×`size` values in [0, 1] (row-major), at the model's input size. */
export interface CamMap {
  readonly classIndex: number;
  readonly layer: string;
  /** The feature map's own resolution, before upsampling. */
  readonly mapSize: readonly [number, number];
  readonly size: number;
  readonly values: Float32Array;
  /** The class's softmax probability for this image. */
  readonly probability: number;
  /** Every class's softmax probability. */
  readonly probabilities: readonly number[];
}

/**
 * Grad-CAM of `classIndex` (the predicted class when null) for one normalised image `x`
 * ([1, h, w, c]); the map is upsampled bilinearly to h × w and scaled so its maximum is 1
 * (all zeros when no location has positive evidence).
 */
export function gradCam(model: tf.LayersModel, x: tf.Tensor4D, classIndex: number | null): CamMap {
  if (x.shape[0] !== 1) throw new Error(`Grad-CAM explains one image at a time, got a batch of ${x.shape[0]}`);
  const { feature, featureModel, headModel } = splitModels(model);
  const [h, w] = [x.shape[1], x.shape[2]];
  const a = featureModel.predict(x) as tf.Tensor4D;
  try {
    const softmax = tf.tidy(() => tf.softmax(headModel.predict(a) as tf.Tensor2D));
    const probs = softmax.dataSync() as Float32Array;
    softmax.dispose();
    let c = classIndex ?? 0;
    if (classIndex === null) for (let i = 1; i < probs.length; i++) if (probs[i] > probs[c]) c = i;
    if (!Number.isInteger(c) || c < 0 || c >= probs.length) throw new Error(`Grad-CAM: class ${c} is not one of the model's ${probs.length} classes`);
    const up = tf.tidy(() => {
      const score = (m: tf.Tensor) => tf.sum(tf.slice(headModel.apply(m, { training: false }) as tf.Tensor2D, [0, c], [1, 1]));
      const dA = tf.grad(score)(a);
      const alpha = tf.mean(dA, [1, 2], true); // [1, 1, 1, k]
      const cam = tf.relu(tf.sum(tf.mul(a, alpha), -1, true)) as tf.Tensor4D; // [1, h', w', 1]
      return tf.image.resizeBilinear(cam, [h, w], true);
    });
    const values = Float32Array.from(up.dataSync());
    up.dispose();
    let max = 0;
    for (const v of values) if (v > max) max = v;
    if (max > 0) for (let i = 0; i < values.length; i++) values[i] /= max;
    else values.fill(0);
    const shape = feature.outputShape as number[];
    return { classIndex: c, layer: feature.name, mapSize: [shape[1], shape[2]], size: h, values, probability: probs[c], probabilities: Array.from(probs) };
  } finally {
    a.dispose();
  }
}

interface SplitModels {
  readonly feature: tf.layers.Layer;
  /** The input to the feature map A. */
  readonly featureModel: tf.LayersModel;
  /** A to the main logits, sharing the model's weights. */
  readonly headModel: tf.LayersModel;
}

const splits = new WeakMap<tf.LayersModel, SplitModels>();

function splitModels(model: tf.LayersModel): SplitModels {
  let s = splits.get(model);
  if (!s) {
    const { feature, head } = camSplit(model);
    const featureModel = tf.model({ inputs: model.inputs, outputs: feature.output as tf.SymbolicTensor });
    const headInput = tf.input({ shape: (feature.outputShape as number[]).slice(1) });
    let y: tf.SymbolicTensor = headInput;
    for (const l of head) y = l.apply(y) as tf.SymbolicTensor;
    s = { feature, featureModel, headModel: tf.model({ inputs: headInput, outputs: y }) };
    splits.set(model, s);
  }
  return s;
}
