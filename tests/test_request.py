"""The request stage: number words, spelling, the layer reader, the spec and refusals.

The phrasings here are written for these tests; none comes from the held-out natural set."""

from __future__ import annotations

import random

import pytest

from diagramgen.data import generate_examples
from diagramgen.diagram import Structure
from diagramgen.layout import parse_diagram_text
from diagramgen.quality.match import compare_nets
from diagramgen.request import OutOfScopeError, check_request, read_request
from diagramgen.request.layer_spec import LayerReading
from diagramgen.request.layers import read_layers
from diagramgen.request.words import normalise_numbers, respell


def layers(text: str) -> list[tuple]:
    reading = read_layers(text)
    out = []
    for x in reading.layers:
        stated = {k: v for k, v in vars(x).items() if v not in (None, False) and k != "type"}
        out.append((x.type, stated))
    return out


def test_number_words_become_digits() -> None:
    assert normalise_numbers("sixty-four units and one hundred twenty-eight filters") == (
        "64 units and 128 filters"
    )
    assert normalise_numbers("a dense layer of two thousand") == "a dense layer of 2000"
    assert normalise_numbers("zero padding") == "zero padding"  # not a count
    assert normalise_numbers("은닉층 두 개") == "은닉층 2 개"


def test_misspelt_key_words_are_respelt() -> None:
    assert respell("two convolusion layers, a hiden layer, desne 10, outpt") == (
        "two convolution layers, a hidden layer, dense 10, output"
    )
    assert respell("fully conected 500") == "fully connected 500"


def test_counted_convolutions_and_unsized_pools() -> None:
    got = layers(
        "CNN on 64x64 images: four 3x3 convolutions followed by a max pooling layer, 5 outputs"
    )
    assert [t for t, _ in got] == ["input", "conv", "conv", "conv", "conv", "pool", "output"]
    assert got[1][1] == {"kernel": 3} and got[5][1] == {"mode": "max"}
    # counted layers are read (and rank) but do not hold decoding: counts are where readers slip
    assert not read_layers(
        "CNN on 64x64 images: four 3x3 convolutions, max pooling, 5 outputs"
    ).certain
    assert read_layers("CNN on 64x64 images: a 3x3 convolution, max pooling, 5 outputs").certain


def test_options_in_words() -> None:
    got = layers(
        "input 128x128 RGB -> 5x5 conv with 48 filters, stride 2 and same padding -> "
        "3x3 average pooling (stride 2) -> global max pooling -> dropout 30% -> 7 classes"
    )
    assert got == [
        ("input", {"size": 128, "shape": (128, 128, 3)}),
        ("conv", {"kernel": 5, "filters": 48, "stride": 2, "padding": "same"}),
        ("pool", {"kernel": 3, "stride": 2, "mode": "avg"}),
        ("pool", {"mode": "max", "global_pool": True}),
        ("dropout", {"rate": 0.3}),
        ("output", {"size": 7}),
    ]


def test_keras_and_pytorch_code() -> None:
    keras = layers(
        "model = Sequential([Input(shape=(28, 28, 1)),\n Conv2D(16, (5, 5), strides=2),\n"
        " AveragePooling2D(pool_size=(2, 2)),\n Flatten(),\n Dense(50),\n Dense(4)])"
    )
    assert [t for t, _ in keras] == ["input", "conv", "pool", "flatten", "dense", "output"]
    assert keras[1][1] == {"kernel": 5, "filters": 16, "stride": 2}
    torch = layers(
        "input 3x96x96\nnn.Conv2d(3, 24, 3, padding=1)\nnn.MaxPool2d(2)\nnn.Flatten()\n"
        "nn.Linear(55296, 100)\nnn.Linear(100, 2)"
    )
    assert torch[1] == ("conv", {"kernel": 3, "filters": 24, "padding": "same"})
    assert [t for t, _ in torch][-2:] == ["dense", "output"]


def test_dense_nets_in_many_forms() -> None:
    for text in (
        "mlp 12-40-40-3",
        "12 inputs, hidden layers of 40 and 40, three outputs",
        "a net with twelve inputs, two hidden layers of forty units each and 3 outputs",
    ):
        reading = read_layers(text)
        assert [(x.type, x.size) for x in reading.layers] == [
            ("input", 12), ("dense", 40), ("dense", 40), ("output", 3)
        ], text  # fmt: skip
        assert reading.certain or "two" in text, text
    assert [x.size for x in read_layers("8 inputs, one hidden layer of 5, 1 output").layers] == [
        8, 5, 1
    ]  # fmt: skip


def test_a_nets_depth_restated_sizes_and_a_written_decoder_add_no_layers() -> None:
    def sizes(text: str) -> list[tuple[str, int | None]]:
        reading = read_layers(text)
        assert reading.certain, text
        return [(x.type, x.size) for x in reading.layers]

    three = [("input", 6), ("dense", 9), ("output", 2)]
    assert sizes("a two-layer perceptron: 6 inputs, 9 hidden units, 2 outputs") == three
    assert sizes("3-layer MLP with 6 inputs, 9 hidden neurons and 2 outputs") == three
    assert sizes("6 inputs, 9 hidden units, 2 outputs (a 6-9-2 net)") == three
    assert not read_layers("a 5-layer network: 6 inputs, 9 hidden, 2 outputs").certain
    decoder = "autoencoder: Input(shape=(100,)), Dense(20), Dense(5), Dense(20), Dense(100)"
    assert [x.size for x in read_layers(decoder).layers] == [100, 20, 5, 20, 100]
    assert [x.size for x in read_layers("autoencoder 300 -> 40 -> 300").layers] == [300, 40, 300]
    mirrored = read_layers("an autoencoder with 300 inputs, encoder 40, bottleneck 8")
    assert [x.size for x in mirrored.layers] == [300, 40, 8, 40, 300]


def test_named_architectures_expand_to_their_canonical_form() -> None:
    lenet = read_layers("please draw LeNet-5")
    assert [x.type for x in lenet.layers] == [
        "input", "conv", "pool", "conv", "pool", "dense", "dense", "output"
    ]  # fmt: skip
    assert lenet.certain and lenet.layers[2].mode == "avg"
    vgg = read_layers("32x32x3 input, a VGG block with 64 filters, 10 outputs")
    assert [(x.type, x.filters, x.padding) for x in vgg.layers[1:4]] == [
        ("conv", 64, "same"), ("conv", 64, "same"), ("pool", None, None)
    ]  # fmt: skip
    resnet = read_layers("input 56x56x64, then one ResNet basic block, then 100 outputs")
    assert resnet.skips == [(0, 2)]


def test_a_net_without_a_sized_input_or_output_is_not_certain() -> None:
    assert not read_layers("a CNN with two 3x3 convs and a dense layer").certain
    assert not read_layers("hidden layers 64, 32, then 10 outputs").certain


def test_the_reader_agrees_with_the_composed_training_data() -> None:
    """On the generator's own requests a certain reading is the drawn net (a reading that
    holds decoding must never be wrong)."""
    wrong_when_certain = certain = 0
    for example in generate_examples(300, seed=5, mix={"composed-net": 1.0}):
        reading = read_layers(example.request)
        if not reading.certain:
            continue
        certain += 1
        drawn = parse_diagram_text(example.answer)[0].structure()
        if not compare_nets(drawn, _as_structure(reading)).exact:
            wrong_when_certain += 1
    assert certain > 150
    assert wrong_when_certain <= certain * 0.02


def _as_structure(reading: LayerReading) -> dict:
    out = []
    for x in reading.layers:
        layer: dict = {"type": x.type, "size": x.size if not x.shape else None, "label": ""}
        if x.shape:
            layer["shape"] = list(x.shape)
        for key in ("kernel", "filters", "stride", "padding", "mode", "rate"):
            if getattr(x, key) is not None:
                layer[key] = getattr(x, key)
        if x.global_pool:
            layer["global"] = True
        out.append(layer)
    skips = [[a + 1, b + 1] for a, b in reading.skips]
    return {"kind": "cnn", "layers": out, "nodes": [], "edges": [], "skips": skips}


@pytest.mark.parametrize(
    "request_text",
    [
        "a sequence diagram of a checkout between the app, the API and the bank",
        "ER diagram for students, courses and enrolments",
        "Gantt chart of the Q3 launch plan",
        "pie chart of our traffic sources",
        "로그인 과정을 시퀀스 다이어그램으로 그려줘",
    ],
)
def test_kinds_we_do_not_draw_are_refused_with_what_we_draw(request_text: str) -> None:
    with pytest.raises(OutOfScopeError, match="draws neural nets"):
        check_request(request_text)


def test_layers_between_arrows_are_a_net_and_steps_a_flow() -> None:
    for text in (
        "input 30 → dropout 20% → dense 60 → output 2",
        "28x28x1 → conv(3x3, 32) → maxpool(2) → flatten → dense(128) → out(10)",
        "입력 32x32x3 → 3x3 합성곱(필터 16) → 전역 평균 풀링 → 출력 10",
        # a whole net read, though told as steps or with a flow's arrows in a comment
        "Step 1: take a 28x28 grayscale image.\nStep 2: 3x3 conv, 8 filters.\n"
        "Step 3: 2x2 max pool.\nStep 4: flatten.\nStep 5: 10 outputs.",
        "self.a = nn.Linear(5, 9)\nself.b = nn.Linear(9, 2)\n# forward: a -> relu -> b",
    ):
        assert read_request(text).kind == "net", text
    for text in (
        "sign up -> send code -> user enters code -> code ok? yes -> welcome; no -> resend code",
        "question → embedding → vector DB → LLM → answer",
        "a dice game in three parts: each player rolls; sum is 7? yes -> player wins; "
        "no -> back to each player rolls",
    ):
        assert read_request(text).kind == "flow", text


def test_flows_and_nets_are_not_refused() -> None:
    for text in (
        "flowchart: order placed -> payment ok? yes -> ship, no -> cancel",
        "a CNN for 32x32 images with two conv layers and 10 outputs",
        "the data flows from sensors into a time-series database and a dashboard",
    ):
        assert check_request(text) == text


def test_the_spec_reads_kind_decisions_and_loops() -> None:
    flow = read_request("upload file, then check if it is valid; if not, go back to upload")
    assert flow.kind == "flow" and flow.decision and flow.loop
    assert "upload" in flow.words
    net = read_request("neural net: 4 inputs, 8 hidden, 2 outputs, drawn top to bottom")
    assert net.kind == "net" and net.certain and net.orientation == "vertical"
    plain = read_request("load data -> clean data -> train model")
    assert plain.kind == "flow" and not plain.decision and not plain.loop


def test_reading_any_text_never_crashes() -> None:
    rng = random.Random(3)
    alphabet = "conv pool dense 3x3 ->,.;()[]=0123456789 \n합성곱 stride same nn.Linear("
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 120)))
        read_request(text)


def test_flows_told_as_arrow_chains_are_read_exactly() -> None:
    from diagramgen.request.chains import read_chains

    rag = read_chains("RAG flow: question → embedding → vector DB → LLM → answer")
    assert rag is not None and rag.labels == ("question", "embedding", "vector DB", "LLM", "answer")
    assert rag.edges == ((0, 1), (1, 2), (2, 3), (3, 4))
    loop = read_chains("- load data -> train model -> evaluate\n- evaluate -> Train Model")
    assert loop is not None and loop.edges == ((0, 1), (1, 2), (2, 1))
    korean = read_chains("질문 → 임베딩 → 벡터 DB → 답변 흐름도를 그려줘")
    assert korean is not None and korean.labels[-1] == "답변"
    closing = read_chains("draw a flow - load -> clean => train. Please draw it top to bottom.")
    assert closing is not None and closing.labels == ("load", "clean", "train")
    typo = read_chains("scan image --> archve embeddings. Archive embeddings => log query")
    assert typo is not None and len(typo.labels) == 3
    said = read_chains("client -(HTTPS)-> API gateway -> auth --writes to--> users DB")
    assert said is not None and said.edge_labels == ("HTTPS", "", "writes to")
    mermaid = read_chains("upload -->|virus found| quarantine")
    assert mermaid is not None and mermaid.edge_labels == ("virus found",)
    between = read_chains("Browser -> (HTTPS) -> Load balancer -> Postgres")
    assert between is not None and between.edge_labels == ("HTTPS", "")
    trailing = read_chains("- dev PC → GitLab (push)\n- GitLab → Jenkins (label: 'webhook')")
    assert trailing is not None and trailing.edge_labels == ("push", "webhook")


def test_flows_with_branches_loops_and_joins_are_read_exactly() -> None:
    from diagramgen.request.chains import read_chains

    loop = read_chains("load -> train -> converged? if yes -> save, if no -> back to train")
    assert loop is not None and loop.labels == ("load", "train", "converged?", "save")
    assert loop.edges == ((0, 1), (1, 2), (2, 3), (2, 1)) and loop.decisions == (2,)
    assert loop.edge_labels == ("", "", "yes", "no")
    paren = read_chains("request → rate ok? → (no) 429 response / (yes) auth check → service")
    assert paren is not None and paren.edges == ((0, 1), (1, 2), (1, 3), (3, 4))
    assert paren.edge_labels[1:3] == ("no", "yes")
    named = read_chains("cache lookup → hit? → hit: return; miss: query db → store → return")
    assert named is not None and named.edges[-1] == (4, 2) and "miss" in named.edge_labels
    joined = read_chains("temp sensor + humidity sensor -> both into aggregator -> log")
    assert joined is not None and joined.edges == ((0, 2), (1, 2), (2, 3))
    korean = read_chains("알림 → 심각? → 예: 대응팀 소집 / 아니오: 티켓 생성 → 둘 다 회고로")
    assert korean is not None and korean.labels[-1] == "회고"
    assert {korean.edges[i] for i in (-2, -1)} == {(2, 4), (3, 4)}
    listed = read_chains("1. arrive\n2. assess\n3. critical?\n4. yes → ICU\n5. no → back to step 2")
    assert listed is not None and listed.edges == ((0, 1), (1, 2), (2, 3), (2, 1))
    nested = read_chains("call → ok? yes: done. no: tries < 3? yes: wait → call. no: give up")
    assert nested is not None and nested.decisions == (1, 3)
    both = read_chains("order -> paid? yes -> ship, no -> cancel; both -> done")
    assert both is not None and both.edges[-2:] == ((2, 4), (3, 4))


def test_korean_conditions_in_a_chain_are_its_branches() -> None:
    from diagramgen.request.chains import read_chains

    chain = read_chains(
        "주문 → 재고 확인 → 재고 있음? → 있으면 바로 출고 / 없으면 발주 후 다시 재고 확인"
    )
    assert chain is not None and _edges(chain) == {
        ("주문", "재고 확인"): "",
        ("재고 확인", "재고 있음?"): "",
        ("재고 있음?", "출고"): "있음",
        ("재고 있음?", "발주"): "없음",
        ("발주", "재고 확인"): "",
    }
    # "X면" after a vowel is a noun or a verb (이상치면 / 오면): which label is not certain
    assert read_chains("측정 → 정상인가? → 이상치면 재측정, 정상이면 저장") is None


def test_groups_declared_around_a_chain_are_read_with_it() -> None:
    from diagramgen.request.chains import read_chains

    declared = read_chains(
        "Shop overview\n- Group 'Storefront': Search, Basket\n- Both → Checkout API\n"
        "- Payments tier: Checkout API, Ledger\n- Checkout API → Ledger, Checkout API → Mailer"
    )
    assert declared is not None
    assert declared.labels == ("Search", "Basket", "Checkout API", "Ledger", "Mailer")
    assert declared.edges == ((0, 2), (1, 2), (2, 3), (2, 4))
    assert declared.groups == (("Storefront", (0, 1)), ("Payments tier", (2, 3)))
    node = declared.structure()["nodes"][3]
    assert node["group"] == "Payments tier" and "group" not in declared.structure()["nodes"][4]
    lanes = read_chains("[Web] click buy → [Server] reserve → [Web] confirm page")
    assert lanes is not None and lanes.groups == (("Web", (0, 2)), ("Server", (1,)))
    zone = read_chains("Zone 'Intake': scan → weigh. Zone 'Store': shelve. weigh → shelve")
    assert zone is not None and zone.groups == (("Intake", (0, 1)), ("Store", (2,)))
    tail = read_chains("inputs: mic, camera (group 'Sensors'). both → fusion → display")
    assert tail is not None and tail.groups == (("Sensors", (0, 1)),)
    bare = read_chains(
        "고객: 앱, 웹\n내부: 주문 서버, 재고 DB\n앱 → 주문 서버\n웹 → 주문 서버 → 재고 DB"
    )
    assert bare is not None and [g[0] for g in bare.groups] == ["고객", "내부"]
    # one bare "Name: a, b" line is not enough to call it a group, nor is a step in two groups
    assert read_chains("inputs: mic, camera\nmic → fusion\ncamera → fusion") is None
    assert read_chains("Group 'A': x, y\nGroup 'B': y\nx → y") is None
    partly = read_chains("Group 'Core': parse, check\nparse → check → report")
    assert partly is not None and partly.groups == (("Core", (0, 1)),)


@pytest.mark.parametrize(
    "request_text",
    [
        "login -> valid? -> home",  # a decision with unlabelled branches
        "login -> valid? yes -> home",  # a decision with one branch
        "check -> ok? yes -> A; yes -> B",  # two branches of the same name
        "A -> B -> back to C",  # a loop back to a step never named
        "app -> update? -> no update -> home",  # "no update" is a step, not a branch
        "A -> B. yes -> C",  # an answer with no question
        "- intake -> triage\n- doctor",  # a lone item after an arrow: a note, not a step
        "- A\n- B\n- C",  # a list with no arrow: the model's to read
        "API -> web, mobile",  # a fan-out the comma leaves unsure
        "fetch -> (laid out horizontally) -> parse",
        "check password -> if ok, home -> done",
        "web and mobile -> API -> database",  # fan-in
        "upload -> scan (virus) -> store",  # brackets: an edge label or a note
        "first we load the data, then we train -> evaluate",  # prose around the chain
        "train -> evaluate; if the loss is high go back to train",
        "a -> a -> b",  # a step into itself
        "결제 → 검증 → 실패하면 결제로 돌아감",
    ],
)
def test_anything_more_than_a_chain_is_left_to_the_model(request_text: str) -> None:
    from diagramgen.request.chains import read_chains

    assert read_chains(request_text) is None


def _as_held(structure: Structure) -> Structure:
    """The truth as a held flow can draw it: a node's type is the model's unless a decision."""
    nodes = [
        {**n, "type": "decision" if n.get("type") == "decision" else "process"}
        for n in structure["nodes"]
    ]
    return {**structure, "nodes": nodes}


def test_chain_readings_agree_with_the_generators_truth() -> None:
    from diagramgen.quality.match import compare_structures
    from diagramgen.request.chains import read_chains

    held = right = 0
    for example in generate_examples(1500, seed=3, mix={"composed-flow": 1.0, "flow": 0.3}):
        chain = read_chains(example.request)
        if chain is None:
            continue
        held += 1
        right += compare_structures(chain.structure(), _as_held(example.structure)).exact
    assert held > 80 and right >= 0.97 * held


def test_every_exact_reading_agrees_with_the_generators_truth() -> None:
    """Chains, stories and relations together: what is held is what the generator meant
    (Korean stories word their labels otherwise and have a test of their own, below)."""
    from diagramgen.quality.match import compare_structures
    from diagramgen.request.korean_stories import read_korean_story
    from diagramgen.request.spec import _chain

    held = right = 0
    for example in generate_examples(1500, seed=3, mix={"composed-flow": 1.0, "flow": 0.3}):
        chain = _chain(example.request)
        if chain is None or chain == read_korean_story(example.request):
            continue
        held += 1
        right += compare_structures(chain.structure(), _as_held(example.structure)).exact
    assert held > 150 and right >= 0.97 * held


def test_flows_told_as_stories_are_read_exactly() -> None:
    from diagramgen.request.stories import read_story

    chain = read_story(
        "First insert coins, then select an item, then the machine checks if enough money was "
        "inserted. If not, it goes back to insert coins; if so, it dispenses the item."
    )
    assert chain is not None
    assert chain.labels == (
        "Insert coins",
        "Select item",
        "Enough money inserted?",
        "Dispense item",
    )
    assert dict(zip(chain.edges, chain.edge_labels, strict=True)) == {
        (0, 1): "",
        (1, 2): "",
        (2, 0): "no",
        (2, 3): "yes",
    }
    looped = read_story(
        "Our game loop: read input, update game state, render the frame, then wait for vsync "
        "and go back to reading input. Label the loop-back arrow 'next frame'."
    )
    assert looped is not None and looped.edge_labels[-1] == "next frame"
    assert looped.edges[-1] == (3, 0)


def _edges(chain: object) -> dict[tuple[str, str], str]:
    labels = chain.labels  # type: ignore[attr-defined]
    pairs = zip(chain.edges, chain.edge_labels, strict=True)  # type: ignore[attr-defined]
    return {(labels[a], labels[b]): label for (a, b), label in pairs}


def test_steps_side_by_side_go_into_the_step_named_after_them() -> None:
    from diagramgen.request.stories import read_story

    counted = read_story(
        "Two feeds: the 'weather API' (label it 'hourly') and the sensor log. Both are fed into "
        "the forecast model, then publish the forecast."
    )
    assert counted is not None and _edges(counted) == {
        ("Weather API", "Forecast model"): "hourly",
        ("Sensor log", "Forecast model"): "",
        ("Forecast model", "Publish forecast"): "",
    }
    beside = read_story(
        "Preheat the oven. Meanwhile, roll out the dough. Once both are ready, bake the pie. "
        "Then let it cool."
    )
    assert beside is not None and _edges(beside) == {
        ("Preheat oven", "Bake pie"): "",
        ("Roll out dough", "Bake pie"): "",
        ("Bake pie", "Let cool"): "",
    }
    together = read_story(
        "Open the ticket, then page the on-call engineer and notify the customer at the same "
        "time; both lead to the incident review."
    )
    assert together is not None and _edges(together) == {
        ("Open ticket", "Page on-call engineer"): "",
        ("Open ticket", "Notify customer"): "",
        ("Page on-call engineer", "Incident review"): "",
        ("Notify customer", "Incident review"): "",
    }


def test_flows_told_as_relations_between_parts_are_read_exactly() -> None:
    from diagramgen.request.relations import read_relations

    chain = read_relations(
        "Hi, I'm sketching our stack. The web client talks to the gateway over TLS (label "
        "it), and the gateway calls the search service and the cart service. Both the search "
        "service and the cart service write to the Postgres cluster (label those 'SQL'). The "
        "edge group has the web client and the gateway."
    )
    assert chain is not None and _edges(chain) == {
        ("Web client", "Gateway"): "over TLS",
        ("Gateway", "Search service"): "",
        ("Gateway", "Cart service"): "",
        ("Search service", "Postgres cluster"): "SQL",
        ("Cart service", "Postgres cluster"): "SQL",
    }
    assert chain.groups == (("Edge", (0, 1)),)


@pytest.mark.parametrize(
    "request_text",
    [
        "The worker reads jobs from the queue, and the worker writes results to the store.",
        "The app calls the auth service over gRPC, and the auth service uses Redis.",
        "Orders are received by the gateway and forwarded to the order service.",
        "The API has a cache. The API calls the database, and the cache feeds the API.",
    ],
)
def test_relations_said_loosely_are_left_to_the_model(request_text: str) -> None:
    from diagramgen.request.relations import read_relations

    assert read_relations(request_text) is None


@pytest.mark.parametrize(
    "request_text",
    [
        "Laundry has three steps: wash, rinse and dry. Then fold the clothes.",
        "Boil the water, then warm the pot. Meanwhile, grind the leaves. Both go into the pot.",
        "Two inputs: the camera feed and the lidar scan. All three feed into the fusion step.",
        "Preheat the oven and roll out the dough at the same time. Then bake the pie.",
    ],
)
def test_side_by_side_steps_said_loosely_are_left_to_the_model(request_text: str) -> None:
    from diagramgen.request.stories import read_story

    assert read_story(request_text) is None


@pytest.mark.parametrize(
    "request_text",
    [
        "When a user logs in, we validate the input, then check whether the token is valid.",
        "If the count doesn't match the slip we file a report, otherwise we shelve the items.",
        "Kafka feeds the Aggregator, and the Aggregator hands off to the Reporter.",
        "Revise the hypothesis, then design a new experiment.",
    ],
)
def test_stories_that_say_more_are_left_to_the_model(request_text: str) -> None:
    from diagramgen.request.stories import read_story

    assert read_story(request_text) is None


def test_flows_told_as_korean_stories_are_read_exactly() -> None:
    from diagramgen.request.korean_stories import read_korean_story

    chain = read_korean_story(
        "원서를 접수하고 서류 심사를 진행합니다. 서류가 제출되었는지 확인합니다. 미제출이면 "
        "보완을 요청하고 다시 확인합니다. 제출되면 면접 일정을 확정합니다."
    )
    assert chain is not None
    assert chain.labels == (
        "원서 접수",
        "서류 심사",
        "서류가 제출되었는지 확인?",
        "보완 요청",
        "면접 일정 확정",
    )
    assert dict(zip(chain.edges, chain.edge_labels, strict=True)) == {
        (0, 1): "",
        (1, 2): "",
        (2, 3): "미제출",
        (3, 2): "",  # 다시 확인합니다: back to the check
        (2, 4): "제출",
    }
    asked = read_korean_story(
        "코드를 작성한 다음 테스트를 실행합니다. 테스트가 통과했나요? 그렇다면 배포하고, "
        "아니면 다시 코드 작성 단계로 돌아갑니다."
    )
    assert asked is not None and asked.labels[2] == "테스트 통과?"
    assert dict(zip(asked.edges, asked.edge_labels, strict=True)) == {
        (0, 1): "",
        (1, 2): "",
        (2, 3): "예",
        (2, 0): "아니오",
    }


def test_two_korean_conditions_make_a_decision_and_a_loop_keeps_its_label() -> None:
    from diagramgen.request.korean_stories import read_korean_story

    chain = read_korean_story(
        "데이터를 정리하고 모델을 학습시킵니다. 성능이 개선되면 저장하고, 악화되면 설정을 "
        "변경한 뒤 다시 학습 단계로 돌아가는데, 이 화살표에는 '재학습'이라고 써 주세요."
    )
    assert chain is not None
    assert chain.labels == ("데이터 정리", "모델 학습", "성능 개선?", "저장", "설정 변경")
    assert dict(zip(chain.edges, chain.edge_labels, strict=True)) == {
        (0, 1): "",
        (1, 2): "",
        (2, 3): "개선",
        (2, 4): "악화",
        (4, 1): "재학습",
    }


@pytest.mark.parametrize(
    "request_text",
    [
        "주문 서비스와 결제 서비스가 각각 이벤트를 전송하고, 둘 다 큐에 적재됩니다.",  # side by side
        "원두는 먼저 선별되고, 로스팅된 뒤 냉각됩니다.",  # a topic, not a step
        "주문을 접수하고 재고 여부를 확인합니다. 재고가 확보되면 포장하고 출고합니다.",  # one branch
        "코드를 빌드하고 도커 이미지를 만들고 레지스트리에 푸시합니다.",  # 만들기 or 생성?
        "비밀번호가 맞는지 확인합니다. 맞으면 이동하고, 틀리면 경고합니다.",  # 맞음 or 예?
        "빌드 → 테스트 → 배포",  # arrows are the chain reader's
    ],
)
def test_korean_stories_that_say_more_are_left_to_the_model(request_text: str) -> None:
    from diagramgen.request.korean_stories import read_korean_story

    assert read_korean_story(request_text) is None


def test_korean_story_readings_agree_with_the_generators_structure() -> None:
    """The generator's Korean stories: what is held has its steps, edges and decisions (its
    labels may word a step otherwise: '사용자 정보가 유효한지 확인?' for '사용자 정보 유효?'), and
    its branches the generator's labels."""
    from diagramgen.quality.match import compare_structures, label_likeness
    from diagramgen.request.korean_stories import read_korean_story

    held = right = 0
    for example in generate_examples(3000, seed=3, mix={"composed-flow": 1.0, "flow": 0.3}):
        chain = read_korean_story(example.request)
        if chain is None:
            continue
        truth = _as_held(example.structure)
        drawn = chain.structure()
        named = {}
        for score, want, got in sorted(
            (
                (label_likeness(g["label"], p["label"]), g["label"], p["id"])
                for g in truth["nodes"]
                for p in drawn["nodes"]
            ),
            reverse=True,
        ):
            if score >= 0.3 and got not in named and want not in named.values():
                named[got] = want
        drawn["nodes"] = [{**n, "label": named.get(n["id"], "?")} for n in drawn["nodes"]]
        held += 1
        right += compare_structures(drawn, truth).exact
    assert held > 25 and right >= 0.97 * held


def test_a_heading_takes_the_value_after_it_and_a_code_comment_adds_no_layer() -> None:
    listed = read_layers(
        "- Input: 96x96 grayscale scans\n- Conv 5x5 (12)\n- Max pool 2x2\n- Flatten\n"
        "- Output: 4 grades"
    )
    assert listed.certain
    assert [(x.type, x.size, x.shape, x.filters) for x in listed.layers] == [
        ("input", 96, (96, 96, 1), None),
        ("conv", None, None, 12),
        ("pool", None, None, None),
        ("flatten", None, None, None),
        ("output", 4, None, None),
    ]
    coded = read_layers(
        "input: 3x64x64\nnn.Sequential(\n  nn.Conv2d(3, 8, 3, padding=1),  # first conv\n"
        "  nn.AdaptiveAvgPool2d((1, 1)),  # global average pool\n  nn.Flatten(),\n"
        "  nn.Linear(8, 3)\n)"
    )
    assert [x.type for x in coded.layers] == ["input", "conv", "pool", "flatten", "output"]
    assert coded.certain
    named = read_layers(
        "input: 1 x 28 x 28\nfeatures = nn.Sequential(nn.Conv2d(1, 8, 3), nn.MaxPool2d(2))\n"
        "head = nn.Sequential(nn.Flatten(), nn.Linear(1352, 10))"
    )
    assert [x.type for x in named.layers] == ["input", "conv", "pool", "flatten", "output"]
    module = read_layers(
        "class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
        "        self.fc1 = nn.Linear(10, 30)\n        self.fc2 = nn.Linear(30, 4)\n\n"
        "    def forward(self, x):\n        return self.fc2(F.relu(self.fc1(x)))"
    )
    assert module.certain
    assert [(x.type, x.size) for x in module.layers] == [
        ("input", 10),
        ("dense", 30),
        ("output", 4),
    ]
    functional = read_layers(
        "inputs = keras.Input(shape=(64, 64, 3))\n"
        "x = layers.Conv2D(16, 3, activation='relu')(inputs)\n"
        "x = layers.MaxPooling2D(2)(x)\nx = layers.Flatten()(x)\n"
        "outputs = layers.Dense(4, activation='softmax')(x)\nmodel = keras.Model(inputs, outputs)"
    )
    assert functional.certain
    assert [(x.type, x.size) for x in functional.layers] == [
        ("input", 64),
        ("conv", None),
        ("pool", None),
        ("flatten", None),
        ("output", 4),
    ]
    numbered = read_layers(
        "- input: 12 readings\n- hidden 1: 24 units\n- hidden 2: 6 units\n- output: 3"
    )
    assert numbered.certain
    assert [(x.type, x.size) for x in numbered.layers] == [
        ("input", 12),
        ("dense", 24),  # "hidden 1" numbers the layer; its size follows the colon
        ("dense", 6),
        ("output", 3),
    ]
    called = read_layers("input(5) -> fc(20) -> out(2)")
    assert called.certain
    assert [(x.type, x.size) for x in called.layers] == [("input", 5), ("dense", 20), ("output", 2)]
    terse = read_layers("in: 20 | h: 40, 10 | out: 3")
    assert terse.certain
    assert [(x.type, x.size) for x in terse.layers] == [
        ("input", 20),
        ("dense", 40),
        ("dense", 10),
        ("output", 3),
    ]
    korean = read_layers("입력 16, 덴스 8, 출력 2")
    assert [(x.type, x.size) for x in korean.layers] == [("input", 16), ("dense", 8), ("output", 2)]
    worded = read_layers("a hidden layer of 512 units between a 64-dimensional input and 3 outputs")
    assert not worded.certain or worded.layers[0].size == 64


def test_a_korean_ordinal_is_not_a_repeat() -> None:
    reading = read_layers(
        "입력은 32x32x3이고, 첫 번째 합성곱층은 3x3 필터 8개, 두 번째 합성곱층은 3x3 필터 16개, "
        "출력 4개"
    )
    assert reading.certain
    assert [x.filters for x in reading.layers if x.type == "conv"] == [8, 16]
    assert not read_layers("입력 32x32x3, 합성곱 3x3 필터 8개 두 번, 출력 4개").certain


def test_a_window_before_a_korean_filter_count_is_not_the_count() -> None:
    reading = read_layers("입력 48x48, 합성곱 5x5 필터 12개 → 최대 풀링 2x2 → 출력 3개")
    assert reading.certain
    conv = reading.layers[1]
    assert (conv.type, conv.kernel, conv.filters) == ("conv", 5, 12)


@pytest.mark.parametrize(
    "request_text",
    [
        "load data -> train model -> converged? if yes -> save model, if no -> back to train model",
        "scan parcel -> label readable? yes -> conveyor belt; no -> sort by hand",
        "request -> connection pool -> database",
        "user message -> conversation log -> reply",
        "Validate the input, then check whether the token is valid. If it is, show the "
        "dashboard; otherwise show an error.",
        "read the sensor -> value ok? yes -> store the output; no -> drop the request",
    ],
)
def test_words_that_only_look_like_layers_leave_a_flow_a_flow(request_text: str) -> None:
    spec = read_request(request_text)
    assert spec.kind == "flow" and spec.chain is not None


def test_a_note_that_labels_an_arrow_labels_the_arrow_into_its_step() -> None:
    from diagramgen.request.chains import read_chains

    chain = read_chains(
        "Client → Auth server (label this arrow 'token request') → Issue JWT → Client "
        "(label that last arrow 'token')"
    )
    assert chain is not None and _edges(chain) == {
        ("Client", "Auth server"): "token request",
        ("Auth server", "Issue JWT"): "",
        ("Issue JWT", "Client"): "token",
    }
    korean = read_chains("수집 큐 → 다운로드 → 링크 추출 → 수집 큐 ('새 링크' 라벨)")
    assert korean is not None and _edges(korean)[("링크 추출", "수집 큐")] == "새 링크"
    # an arrow labelled twice, and a Korean step that says where it goes ("Kafka로 전송")
    assert read_chains("A -(HTTPS)-> B (label 'TLS') -> C") is None
    assert read_chains("웹 로그, 앱 로그 → 둘 다 Kafka로 전송 (화살표에 '로그' 라벨)") is None


def test_steps_that_differ_in_a_number_are_two_steps() -> None:
    from diagramgen.request.chains import read_chains

    chain = read_chains("Camera 1 → Stitcher; Camera 2 → Stitcher; Stitcher → Viewer")
    assert chain is not None and chain.labels == ("Camera 1", "Stitcher", "Camera 2", "Viewer")


def test_a_korean_list_is_not_read_as_sentences() -> None:
    from diagramgen.request.korean_stories import read_korean_story

    listed = "1. 빌드 실행\n2. 실패하면 로그 확인 후 1번으로\n3. 성공하면 배포"
    assert read_korean_story(listed) is None
    said = "먼저 데이터를 수집하고, 그 다음 정제를 합니다. 마지막으로 보고서를 작성합니다."
    assert read_korean_story(said) is not None
