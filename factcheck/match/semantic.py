"""How close two texts are in meaning: averaged static word embeddings.

The model is WordLlama's 256-dimension ``l2_supercat`` (MIT licence): a table of one
vector per token of the LLaMA 2 tokenizer, trained to make averaged vectors of
paraphrases close. Its weights (16 MB) and tokenizer ship inside the ``wordllama`` wheel
from PyPI, and are read from there: nothing is downloaded, ever (WordLlama's own loader
would try to, so the files are opened here, without importing its package). A text's
vector is the mean of its tokens' vectors, normalised; two texts' similarity is the dot
product of theirs (cosine, -1 to 1; 0 for an empty text).

Embedding a text takes microseconds, so :mod:`factcheck.match.index` embeds the few
dozen best BM25 candidates of a query when it is asked, and no vector is stored.
"""

from __future__ import annotations

import functools
import importlib.util
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from tokenizers import Tokenizer

WEIGHTS_FILE = "weights/l2_supercat_256.safetensors"
TOKENIZER_FILE = "tokenizers/l2_supercat_tokenizer_config.json"


class ModelMissing(RuntimeError):
    """The ``wordllama`` package, or a file of its model, is not installed."""


def _package_dir() -> Path:
    spec = importlib.util.find_spec("wordllama")
    if spec is None or not spec.submodule_search_locations:
        raise ModelMissing("the wordllama package is not installed (pip install wordllama): its model gives match its semantic similarity")
    return Path(next(iter(spec.submodule_search_locations)))


@functools.cache
def model() -> tuple[Tokenizer, np.ndarray]:
    """The tokenizer and the token vectors (float32), loaded once per process."""
    from safetensors import safe_open
    from tokenizers import Tokenizer

    root = _package_dir()
    weights, tokenizer = root / WEIGHTS_FILE, root / TOKENIZER_FILE
    for path in (weights, tokenizer):
        if not path.is_file():
            raise ModelMissing(f"{path}: the wordllama package lacks this model file; reinstall it (pip install --force-reinstall wordllama)")
    with safe_open(str(weights), framework="np") as handle:
        table = np.ascontiguousarray(handle.get_tensor("embedding.weight"), dtype=np.float32)
    loaded = Tokenizer.from_file(str(tokenizer))
    if loaded.get_vocab_size() > len(table):  # every token id must have its row
        raise ModelMissing(f"{weights}: {len(table)} token vectors for a tokenizer of {loaded.get_vocab_size()} tokens; reinstall wordllama")
    return loaded, table


def embed(texts: Sequence[str]) -> np.ndarray:
    """One unit vector per text (a row of zeros for a text with no token)."""
    tokenizer, table = model()
    out = np.zeros((len(texts), table.shape[1]), dtype=np.float32)
    if not texts:
        return out
    # encode_batch_fast (tokenizers 0.21 and later) skips the offsets, which are not used
    encode = getattr(tokenizer, "encode_batch_fast", tokenizer.encode_batch)
    for row, encoding in enumerate(encode(list(texts), add_special_tokens=False)):
        if ids := encoding.ids:  # a text with no token keeps its zeros
            out[row] = table[ids].sum(axis=0)  # the sum points where the mean does: the row is normalised next
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    np.divide(out, norms, out=out, where=norms > 0)
    return out

