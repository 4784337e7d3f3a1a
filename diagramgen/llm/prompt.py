"""How a request is put to the model: the chat messages used in training and in generation."""

from __future__ import annotations

from typing import Any

# Short on purpose: every token here is paid for on every training row and every request.
SYSTEM = "Write the diagram plan for the request. Finish with the line: end"

# Worked examples for a model that has not been fine-tuned on plans (few-shot prompting).
FEW_SHOT = [
    (
        "a neural net with 3 inputs, hidden layers of 5 and 4, 2 outputs",
        "nn horizontal palette=blue\ninput 3\ndense 5\ndense 4\noutput 2\nend\n",
    ),
    (
        "CNN: 28x28 input, 5x5 conv, 2x2 pool, dense 64, 10 outputs",
        "cnn horizontal palette=warm\ninput 28x28\nconv 5x5\npool 2x2\ndense 64\noutput 10\nend\n",
    ),
    (
        "pipeline: load data -> train model -> evaluate",
        'flow horizontal palette=teal\nnode a "load data" data\nnode b "train model" model\n'
        'node c "evaluate" process\na -> b -> c\nend\n',
    ),
]

# The seed project's own prompt (its README, section 4-1), for models trained on node lists.
NODE_LIST_PROMPT = """Represent below as a Python list.

{request} in the following format.

At this time, each node is represented in the format of Python list "[node No.,
X position (px), Y position (px), shape (rectangle, round rectangle or circle),
width (px), height (px), connection line shape (solid arrow, solid line or dashed line),
background color, connection line color, list of node No. s of other nodes pointed to by the \
connection line]".

At this time, the color is represented in the format of tuple (R, G, B), between 0 and 255, and
X position range is 0-1000 and Y position range is 0-600.

It is important to draw a representation of high readability."""


def messages(request: str, few_shot: bool = False, node_list: bool = False) -> list[dict[str, str]]:
    """Chat messages for one request (system, optional worked examples, user)."""
    if node_list:
        return [{"role": "user", "content": NODE_LIST_PROMPT.format(request=request.rstrip("."))}]
    out = [{"role": "system", "content": SYSTEM}]
    if few_shot:
        for question, answer in FEW_SHOT:
            out += [{"role": "user", "content": question}, {"role": "assistant", "content": answer}]
    out.append({"role": "user", "content": request})
    return out


def sft_row(row: dict[str, Any]) -> dict[str, list[dict[str, str]]]:
    """A dataset row in TRL's conversational prompt-completion form (loss on the answer only)."""
    return {
        "prompt": messages(row["request"]),
        "completion": [{"role": "assistant", "content": row["answer"]}],
    }


def preference_row(row: dict[str, Any]) -> dict[str, list[dict[str, str]]]:
    """A preference pair in TRL's conversational form."""
    return {
        "prompt": messages(row["prompt"]),
        "chosen": [{"role": "assistant", "content": row["chosen"]}],
        "rejected": [{"role": "assistant", "content": row["rejected"]}],
    }
