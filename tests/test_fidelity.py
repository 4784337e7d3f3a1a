from diagramgen.layout import parse_diagram_text
from diagramgen.pipeline import Candidate, rank_candidates
from diagramgen.quality.fidelity import request_fidelity

CNN_REQUEST = (
    "neural network of 128 * 128 input, 3x3 conv layer, then 2 * 2 average pooling layer, "
    "then conv layer, and 2 x 2 pooling layer, 512, 256 nodes in the mid layers, and 2 output size"
)
CNN_RIGHT = "cnn horizontal\ninput 128x128\nconv 3x3\npool 2x2 avg\nconv 3x3\npool 2x2\ndense 512\ndense 256\noutput 2\nend\n"


def fidelity(request: str, text: str) -> float:
    diagram, _ = parse_diagram_text(text)
    return request_fidelity(request, text, diagram.structure())


def test_the_faithful_cnn_scores_one_and_mistakes_score_less() -> None:
    assert fidelity(CNN_REQUEST, CNN_RIGHT) == 1.0
    extra_conv = CNN_RIGHT.replace("conv 3x3\npool 2x2\n", "conv 3x3\nconv 3x3\npool 2x2\n")
    invented = CNN_RIGHT.replace("dense 256", "dense 100")
    lost = CNN_RIGHT.replace("dense 256\n", "")
    for wrong in (extra_conv, invented, lost):
        assert fidelity(CNN_REQUEST, wrong) < 1.0


def test_counted_conv_layers_are_understood() -> None:
    request = "CNN: 32x32 input, 2 3x3 conv layers, 2x2 pool, 10 outputs"
    two = "cnn\ninput 32x32\nconv 3x3\nconv 3x3\npool 2x2\noutput 10\nend\n"
    one = "cnn\ninput 32x32\nconv 3x3\npool 2x2\noutput 10\nend\n"
    assert fidelity(request, two) > fidelity(request, one)


def test_flow_labels_must_come_from_the_request() -> None:
    request = "RAG flow: question -> embedding -> vector DB -> LLM -> answer"
    taken = 'flow\nnode q "question"\nnode e "embedding"\nq -> e\nend\n'
    made_up = 'flow\nnode q "question"\nnode x "database server"\nq -> x\nend\n'
    assert fidelity(request, taken) == 1.0
    assert fidelity(request, made_up) == 0.5


def test_ranking_puts_the_faithful_candidate_first_whatever_the_text_order() -> None:
    diagram, _ = parse_diagram_text(CNN_RIGHT)
    scores = {"readability": 5.0, "user": None, "final": 5.0}
    faithful = Candidate("z" + CNN_RIGHT, diagram, dict(scores), fidelity=1.0)
    unfaithful = Candidate("a" + CNN_RIGHT, diagram, dict(scores), fidelity=0.5)
    assert rank_candidates([unfaithful, faithful], 1)[0] is faithful


def test_layer_mentions_are_read_in_order_with_counts() -> None:
    from diagramgen.request.reading import mentioned_layers

    request = (
        "NN of 224 x 224 input, a 3 x 3 conv layer, then 2 3x3 convolutional layers and a "
        "2 x 2 average pooling layer, 3 x 3 conv layers, two conv layers, pooling layer"
    )
    assert mentioned_layers(request) == [
        "conv", "conv", "conv", "pool", "conv", "conv", "conv", "pool"
    ]  # fmt: skip


def test_the_same_layers_in_the_wrong_order_score_less() -> None:
    request = "CNN of 64x64 input, 3x3 conv, 2x2 pool, conv, conv, 2x2 pool, dense 128, 2 outputs"
    right = "cnn\ninput 64x64\nconv 3x3\npool 2x2\nconv 3x3\nconv 3x3\npool 2x2\ndense 128\noutput 2\nend\n"
    swapped = "cnn\ninput 64x64\nconv 3x3\nconv 3x3\npool 2x2\nconv 3x3\npool 2x2\ndense 128\noutput 2\nend\n"
    assert fidelity(request, right) == 1.0 > fidelity(request, swapped)


def test_stated_windows_are_read_with_their_layers() -> None:
    from diagramgen.request.reading import mentioned_windows

    request = "CNN: 64x64 input, 5 * 5 conv, 3x3 averaage pooling, conv layer, global pooling"
    assert mentioned_windows(request) == [
        ("conv", "5x5"), ("pool", "3x3"), ("conv", None), ("pool", None)
    ]  # fmt: skip
