"""Writes a safetensors file with numpy alone: 8-byte little-endian header length, the JSON header (dtype, shape,
data_offsets per tensor), then the raw little-endian data. BF16 is float32 rounded to nearest even, upper 16 bits."""
import json, struct

import numpy as np


def to_bf16(a):
    """float32 array -> (uint16 bf16 bits, the float32 values those bits represent)."""
    u = np.ascontiguousarray(a, dtype=np.float32).view(np.uint32).astype(np.uint64)
    bits = ((u + 0x7FFF + ((u >> 16) & 1)) >> 16).astype(np.uint16)
    back = (bits.astype(np.uint32) << 16).view(np.float32)
    return bits, back


def write(path, tensors):
    """tensors: list of (name, dtype 'F32'|'BF16', float32 array). Returns {name: the float32 values stored}."""
    header, blobs, stored, off = {}, [], {}, 0
    for name, dtype, arr in tensors:
        arr = np.ascontiguousarray(arr, dtype=np.float32)
        if dtype == "BF16":
            bits, back = to_bf16(arr)
            raw = bits.astype("<u2").tobytes()
            stored[name] = back.reshape(arr.shape)
        elif dtype == "F32":
            raw = arr.astype("<f4").tobytes()
            stored[name] = arr
        else:
            raise ValueError(dtype)
        header[name] = {"dtype": dtype, "shape": list(arr.shape), "data_offsets": [off, off + len(raw)]}
        blobs.append(raw)
        off += len(raw)
    header["__metadata__"] = {"format": "pt"}
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)
    return stored
