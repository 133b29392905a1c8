"""Reads a log folder with TensorBoard's own loader and prints every series as JSON.

The loader is tensorboard.backend.event_processing.plugin_event_accumulator, what
`tensorboard --logdir` ingests (through its data migrations: simple_value scalars become
tensors, data classes are filled in). Every point is kept (size guidance 0).

python tensorboard-read.py <run folder>
"""
import json
import sys

from tensorboard.backend.event_processing import plugin_event_accumulator as pea
from tensorboard.util import tensor_util

accumulator = pea.EventAccumulator(sys.argv[1], size_guidance={pea.TENSORS: 0})
accumulator.Reload()
series = {}
for tag in accumulator.Tags()["tensors"]:
    metadata = accumulator.SummaryMetadata(tag)
    points = []
    for event in accumulator.Tensors(tag):
        array = tensor_util.make_ndarray(event.tensor_proto)
        values = [v.decode("utf-8") if isinstance(v, bytes) else float(v) for v in array.flatten().tolist()]
        points.append({"step": event.step, "values": values, "shape": list(array.shape), "plugin": metadata.plugin_data.plugin_name})
    series[tag] = points
print(json.dumps({"series": series}))
