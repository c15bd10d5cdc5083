import json
import struct

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

from server.wire.tensors import decode_frame, decode_tensor_json, tensor_frame, tensor_json

finite32 = st.floats(allow_nan=False, allow_infinity=False, width=32)


@given(arrays(np.float32, array_shapes(max_dims=4, max_side=6), elements=finite32))
def test_float32_round_trips_exactly(values):
    assert np.array_equal(decode_tensor_json(tensor_json(values)), values)
    header, back = decode_frame(tensor_frame({"name": "x"}, values))
    assert np.array_equal(back, values) and header["shape"] == list(values.shape)


@given(arrays(np.float32, array_shapes(max_dims=3, max_side=6),
              elements=st.floats(-1e6, 1e6, width=32)),
       st.text(max_size=20))
def test_frames_put_the_data_on_a_4_byte_boundary(values, name):
    frame = tensor_frame({"name": name, "layer": "conv1", "kind": "output"}, values)
    (length,) = struct.unpack_from("<I", frame)
    assert (4 + length) % 4 == 0
    header = json.loads(frame[4:4 + length])
    assert header["name"] == name and header["dtype"] == "float32"
    assert len(frame) - 4 - length == values.size * 4
    header, back = decode_frame(tensor_frame({"name": name}, values, "uint8"))
    assert header["dtype"] == "uint8"
    assert np.max(np.abs(back - values), initial=0) <= header["scale"] / 2 * 1.001 + 1e-3


def test_quantising_a_constant_map_and_non_finite_values():
    header, back = decode_frame(tensor_frame({}, np.full((2, 2), 3.5, np.float32), "uint8"))
    assert np.array_equal(back, np.full((2, 2), 3.5))
    obj = tensor_json(np.array([np.nan, 1.0, np.inf]), "uint8")
    assert np.isfinite(decode_tensor_json(obj)).all()
