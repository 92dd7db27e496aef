"""PyTorch side of `npm run bench:parity`: trains the layout a Bloombench run trained, with the same
recipe, on the same cached images, and reports test accuracy at the best validation epoch.

Run with Debian's /usr/bin/python3 (python3-torch). Reads a job file written by bench/parity.ts:
{cache, size, channels, train, val, test: {records, labels}} and a model's topology (the Keras-style
JSON of `LayersModel.toJSON`, which is what the run built: the zoo variant at its width, input
size and class count). The network is that graph, layer for layer, with TensorFlow's `same`
padding (the extra row and column at the bottom and right), `same` average pools that count only
real pixels, and PyTorch's own initialisation and batch-norm epsilon unless told otherwise.

The recipe, as main/worker/trainer.ts: the cached bytes to [0, 1]; per image the chosen
augmentations in the trainer's order (random-resized crop: 50-100 % of the area, aspect 3:4 to
4:3, bilinear as tf.image.cropAndResize; then a left-right flip for half); then [0, 1] -> [-1, 1].
Adam, batch 32, a fresh shuffle each epoch, a last batch of one image dropped, validation after
each epoch, and the test images evaluated with the weights of the best validation accuracy.

Prints one JSON document on stdout:
{"torch", "threads", "seed", "testAccuracy", "bestEpoch", "bestValAccuracy", "seconds",
 "epochs": [{epoch, trainLoss, valAccuracy, seconds}]}.
"""
import argparse
import copy
import json
import math
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def same_pad(size, k, s):
    """TensorFlow's `same` padding of one axis: (before, after)."""
    out = math.ceil(size / s)
    total = max((out - 1) * s + k - size, 0)
    return total // 2, total - total // 2


def pad_same(x, k, s, value=0.0):
    top, bottom = same_pad(x.shape[2], k[0], s[0])
    left, right = same_pad(x.shape[3], k[1], s[1])
    if top == bottom == left == right == 0:
        return x
    return F.pad(x, (left, right, top, bottom), value=value)


ACTIVATIONS = {
    'relu': F.relu,
    'linear': lambda x: x,
    'elu': F.elu,
    'tanh': torch.tanh,
    'sigmoid': torch.sigmoid,
    'swish': F.silu,
}


class Graph(nn.Module):
    """The layers of a Keras-style topology, evaluated in their stored (topological) order."""

    def __init__(self, topology, bn_eps, init):
        super().__init__()
        layers = topology['config']['layers']
        self.order = []
        self.mods = nn.ModuleDict()
        self.dense_init = []
        channels = {}
        for layer in layers:
            name, cls, cfg = layer['name'], layer['class_name'], layer['config']
            inputs = [i[0] for i in layer['inbound_nodes'][0]] if layer['inbound_nodes'] else []
            cin = channels[inputs[0]] if inputs else None
            key = name.replace('.', '_')
            if cls == 'InputLayer':
                channels[name] = cfg['batch_input_shape'][-1]
            elif cls == 'Conv2D':
                assert cfg['dilation_rate'] in ([1, 1], 1), f'{name}: dilation'
                conv = nn.Conv2d(cin, cfg['filters'], tuple(cfg['kernel_size']), tuple(cfg['strides']), bias=cfg['use_bias'])
                if init == 'layout':
                    keras_init(conv.weight, cfg['kernel_initializer'])
                    if conv.bias is not None:
                        nn.init.zeros_(conv.bias)
                self.mods[key] = conv
                channels[name] = cfg['filters']
            elif cls == 'BatchNormalization':
                # Keras' momentum 0.9 is PyTorch's 0.1 (the weight of the new batch).
                eps = cfg['epsilon'] if bn_eps == 'layout' else 1e-5
                self.mods[key] = nn.BatchNorm2d(cin, eps=eps, momentum=1 - cfg['momentum'], affine=cfg['center'] and cfg['scale'])
                channels[name] = cin
            elif cls == 'Dense':
                # After a Flatten the features are only known from the first batch.
                dense = nn.Linear(cin, cfg['units'], bias=cfg['use_bias']) if cin else nn.LazyLinear(cfg['units'], bias=cfg['use_bias'])
                self.mods[key] = dense
                self.dense_init.append((dense, cfg['kernel_initializer']))
                channels[name] = cfg['units']
            elif cls == 'Dropout':
                self.mods[key] = nn.Dropout(cfg['rate'])
                channels[name] = cin
            elif cls == 'Concatenate':
                channels[name] = sum(channels[i] for i in inputs)
            elif cls == 'Flatten':
                channels[name] = None
            elif cls in ('Activation', 'MaxPooling2D', 'AveragePooling2D', 'GlobalAveragePooling2D', 'Add'):
                channels[name] = cin
            else:
                raise SystemExit(f'torch_parity: layer {name}: {cls} is not supported')
            self.order.append((name, key, cls, cfg, inputs))
        self.output = topology['config']['output_layers'][0][0]
        shape = next(layer['config']['batch_input_shape'] for layer in layers if layer['class_name'] == 'InputLayer')
        self.eval()
        with torch.no_grad():
            self(torch.zeros(1, shape[3], shape[1], shape[2]))  # materialises lazy layers
        self.train()
        for dense, spec in self.dense_init:
            if init == 'layout':
                keras_init(dense.weight, spec)
                if dense.bias is not None:
                    nn.init.zeros_(dense.bias)
        self.dense_init = None

    def forward(self, x):
        values = {}
        for name, key, cls, cfg, inputs in self.order:
            xs = [values[i] for i in inputs]
            if cls == 'InputLayer':
                y = x
            elif cls == 'Conv2D':
                conv = self.mods[key]
                y = conv(pad_same(xs[0], conv.kernel_size, conv.stride) if cfg['padding'] == 'same' else xs[0])
                y = ACTIVATIONS[cfg['activation']](y)
            elif cls in ('BatchNormalization', 'Dropout'):
                y = self.mods[key](xs[0])
            elif cls == 'Dense':
                y = ACTIVATIONS[cfg['activation']](self.mods[key](xs[0]))
            elif cls == 'Activation':
                y = ACTIVATIONS[cfg['activation']](xs[0])
            elif cls == 'MaxPooling2D':
                k, s = tuple(cfg['pool_size']), tuple(cfg['strides'])
                y = F.max_pool2d(pad_same(xs[0], k, s, float('-inf')) if cfg['padding'] == 'same' else xs[0], k, s)
            elif cls == 'AveragePooling2D':
                k, s = tuple(cfg['pool_size']), tuple(cfg['strides'])
                if cfg['padding'] == 'same':
                    # TensorFlow averages over the real pixels under the window only.
                    ones = torch.ones_like(xs[0][:1, :1])
                    y = F.avg_pool2d(pad_same(xs[0], k, s), k, s) / F.avg_pool2d(pad_same(ones, k, s), k, s)
                else:
                    y = F.avg_pool2d(xs[0], k, s)
            elif cls == 'GlobalAveragePooling2D':
                y = xs[0].mean((2, 3))
            elif cls == 'Flatten':
                y = xs[0].permute(0, 2, 3, 1).flatten(1)  # channels-last order, as Keras flattens
            elif cls == 'Add':
                y = xs[0]
                for t in xs[1:]:
                    y = y + t
            elif cls == 'Concatenate':
                y = torch.cat(xs, 1)
            values[name] = y
        return values[self.output]


def keras_init(weight, spec):
    """The layout's own initialiser (VarianceScaling: He normal, Glorot uniform) on a torch weight."""
    assert spec['class_name'] == 'VarianceScaling', spec
    c = spec['config']
    fan_in, fan_out = nn.init._calculate_fan_in_and_fan_out(weight)
    fan = {'fan_in': fan_in, 'fan_out': fan_out, 'fan_avg': (fan_in + fan_out) / 2}[c['mode']]
    var = c['scale'] / max(1.0, fan)
    with torch.no_grad():
        if c['distribution'] == 'uniform':
            limit = math.sqrt(3 * var)
            weight.uniform_(-limit, limit)
        else:
            # tfjs' 'normal' is a normal of this spread truncated at two of it (uncorrected,
            # unlike Keras: its values spread about 0.88 of that).
            std = math.sqrt(var)
            nn.init.trunc_normal_(weight, 0, std, -2 * std, 2 * std)


def resized_crop_grid(b, h, w, gen):
    """Sampling grids of random-resized boxes (the trainer's ranges), one per image."""
    area = torch.empty(b).uniform_(0.5, 1, generator=gen)
    aspect = torch.exp(torch.empty(b).uniform_(math.log(3 / 4), math.log(4 / 3), generator=gen))
    bw = torch.sqrt(area * aspect).clamp(max=1)
    bh = torch.sqrt(area / aspect).clamp(max=1)
    y0 = torch.rand(b, generator=gen) * (1 - bh)
    x0 = torch.rand(b, generator=gen) * (1 - bw)
    return box_grid(y0, x0, bh, bw, h, w)


def box_grid(y0, x0, bh, bw, h, w):
    """The grid_sample grid (align_corners=True) of tf.image.cropAndResize's bilinear crops of
    boxes [y0, x0, y0 + bh, x0 + bw] (fractions of the image) resized to h x w."""
    b = y0.shape[0]
    # cropAndResize samples y0·(h-1) … y1·(h-1) at h points; grid_sample with align_corners maps
    # -1 … 1 onto pixel 0 … h-1.
    ty = torch.linspace(0, 1, h)
    tx = torch.linspace(0, 1, w)
    gy = 2 * (y0[:, None] + ty[None] * bh[:, None]) - 1
    gx = 2 * (x0[:, None] + tx[None] * bw[:, None]) - 1
    return torch.stack([gx[:, None, :].expand(b, h, w), gy[:, :, None].expand(b, h, w)], -1)


def augment(x, names, gen):
    """x: [b, c, h, w] in [0, 1]; the trainer's order: resized-crop, then flip."""
    b, _, h, w = x.shape
    if 'resized-crop' in names:
        x = F.grid_sample(x, resized_crop_grid(b, h, w, gen), mode='bilinear', padding_mode='border', align_corners=True)
    if 'flip' in names:
        flip = torch.rand(b, generator=gen) < 0.5
        x = torch.where(flip[:, None, None, None], x.flip(3), x)
    unknown = set(names) - {'resized-crop', 'flip'}
    if unknown:
        raise SystemExit(f'torch_parity: augmentation {sorted(unknown)} is not mirrored here')
    return x


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--job', required=True)
    ap.add_argument('--topology', required=True)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--epochs', type=int, default=10)
    ap.add_argument('--batch', type=int, default=32)
    ap.add_argument('--lr', type=float, default=1e-3)
    ap.add_argument('--adam-eps', type=float, default=1e-8, help="Adam's epsilon (PyTorch's 1e-8; tfjs' is 1e-7)")
    ap.add_argument('--augment', default='flip,resized-crop', help='comma list, or none')
    ap.add_argument('--bn-eps', choices=['torch', 'layout'], default='torch', help="batch-norm epsilon: PyTorch's 1e-5, or the layout's")
    ap.add_argument('--init', choices=['torch', 'layout'], default='torch', help="PyTorch's initialisation, or the layout's (He normal / Glorot uniform)")
    ap.add_argument('--threads', type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    gen = torch.Generator().manual_seed(a.seed)
    names = [] if a.augment in ('', 'none') else a.augment.split(',')

    with open(a.job) as f:
        job = json.load(f)
    with open(a.topology) as f:
        topology = json.load(f)
    size, channels = job['size'], job['channels']
    pixels = np.fromfile(job['cache'], dtype=np.uint8).reshape(-1, size, size, channels)

    def images(records):
        return torch.from_numpy(pixels[records]).permute(0, 3, 1, 2).float().div_(255)

    split = {s: (np.array(job[s]['records']), torch.tensor(job[s]['labels'])) for s in ('train', 'val', 'test')}
    model = Graph(topology, a.bn_eps, a.init)
    opt = torch.optim.Adam(model.parameters(), a.lr, eps=a.adam_eps)
    loss_fn = nn.CrossEntropyLoss()

    def accuracy(name):
        records, labels = split[name]
        model.eval()
        right = 0
        with torch.no_grad():
            for b in range(0, len(records), a.batch):
                right += (model(images(records[b:b + a.batch]) * 2 - 1).argmax(1) == labels[b:b + a.batch]).sum().item()
        return right / max(1, len(records))

    train, train_y = split['train']
    n = len(train)
    steps = n // a.batch + (1 if n % a.batch >= 2 else 0)
    best, best_epoch, best_state, out = -1.0, 0, None, []
    t_start = time.perf_counter()
    for epoch in range(1, a.epochs + 1):
        t0 = time.perf_counter()
        model.train()
        order = torch.randperm(n, generator=gen)
        total = 0.0
        for s in range(steps):
            pick = order[s * a.batch:(s + 1) * a.batch].numpy()
            x = augment(images(train[pick]), names, gen) * 2 - 1
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(x), train_y[pick])
            loss.backward()
            opt.step()
            total += loss.item()
        val = accuracy('val')
        if val > best:
            best, best_epoch, best_state = val, epoch, copy.deepcopy(model.state_dict())
        out.append({'epoch': epoch, 'trainLoss': total / steps, 'valAccuracy': val, 'seconds': time.perf_counter() - t0})
        print(f'seed {a.seed}: epoch {epoch} loss {total / steps:.3f} val {val:.3f} ({time.perf_counter() - t0:.0f} s)', file=sys.stderr)
    model.load_state_dict(best_state)
    test = accuracy('test')
    json.dump({'torch': torch.__version__, 'threads': torch.get_num_threads(), 'seed': a.seed, 'testAccuracy': test, 'bestEpoch': best_epoch,
               'bestValAccuracy': best, 'seconds': time.perf_counter() - t_start, 'epochs': out}, sys.stdout)
    print()
    sys.stdout.flush()


if __name__ == '__main__':
    main()
