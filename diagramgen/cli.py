"""The `diagramgen` command line: thin wiring from typed options onto library functions."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Annotated

import typer

from diagramgen.errors import DiagramTextError
from diagramgen.metrics import readability
from diagramgen.render import save
from diagramgen.text import TextFormat, parse_diagram_text

app = typer.Typer(
    help="Plain-language requests to clean, readable ML diagrams (SVG + PNG).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print a one-line error (no stack trace for user errors) and exit non-zero."""
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


@app.callback()
def _root() -> None:
    """diagramgen: type what you mean, get a faithful, readable diagram."""


def _read_input(file: str) -> str:
    if file == "-":
        return sys.stdin.read()
    path = Path(file)
    if not path.is_file():
        raise fail(f"{file}: no such file", 2)
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise fail(f"{file}: cannot read it as UTF-8 text ({exc.__class__.__name__})", 2) from None


@app.command()
def render(
    file: Annotated[str, typer.Argument(help="Plan or seed node-list text file; - for stdin.")],
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="OUT.png or OUT.svg (default: FILE.png)")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="auto, plan or nodelist.")] = "auto",
    strict: Annotated[bool, typer.Option(help="Refuse node lists with any bad line.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the structure as JSON.")] = False,
) -> None:
    """Lay out and draw a diagram text as PNG or SVG."""
    if fmt not in ("auto", "plan", "nodelist"):
        raise fail(f"--format must be auto, plan or nodelist, not {fmt!r}", 2)
    if output is None:
        output = Path("diagram.png") if file == "-" else Path(file).with_suffix(".png")
    if output.suffix.lower() not in (".png", ".svg"):
        raise fail(f"{output}: the output must end in .png or .svg", 2)
    text = _read_input(file)
    try:
        diagram, problems = parse_diagram_text(text, fmt=_as_format(fmt), strict=strict)
    except DiagramTextError as exc:
        raise fail(f"{file}: {exc}") from None
    for problem in problems:
        typer.echo(f"warning: {file}: {problem}", err=True)
    try:
        save(diagram, output)
    except OSError as exc:
        raise fail(f"{output}: cannot write ({exc.strerror})", 2) from None
    if as_json:
        typer.echo(json.dumps(diagram.structure(), ensure_ascii=False))
    else:
        score = readability(diagram).score
        typer.echo(f"wrote {output} ({diagram.width}x{diagram.height}, readability {score:.2f}/5)")


@app.command()
def generate(
    request: Annotated[str, typer.Argument(help="What to draw, in plain words.")],
    count: Annotated[int, typer.Option(help="Candidates to sample.")] = 5,
    recommend: Annotated[int, typer.Option(help="How many of them to recommend.")] = 3,
    user: Annotated[str | None, typer.Option(help="Rank by this user's taste (ratings).")] = None,
    out: Annotated[Path, typer.Option(help="Folder for the candidates' text, SVG and PNG.")] = Path(
        "diagrams"
    ),
    backend: Annotated[str, typer.Option(help="embedded, hf:PATH or openai:URL.")] = "embedded",
    model: Annotated[str | None, typer.Option(help="Model name for an openai: backend.")] = None,
    adapter: Annotated[Path | None, typer.Option(help="A LoRA adapter folder to use.")] = None,
    mode: Annotated[
        str, typer.Option(help="plan (compact) or nodelist (the seed's format).")
    ] = "plan",
    temperature: Annotated[float, typer.Option()] = 0.8,
    top_p: Annotated[float, typer.Option("--top-p")] = 0.95,
    max_new_tokens: Annotated[int, typer.Option(help="Hard cap per answer.")] = 320,
    seed: Annotated[int, typer.Option(help="Sampling seed (same seed, same candidates).")] = 0,
    weight: Annotated[
        float,
        typer.Option(min=0, max=1, help="Weight of readability vs your taste in the final score."),
    ] = 0.5,
    db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Request in, ranked diagrams out (SVG + PNG for every candidate)."""
    from rich.console import Console

    from diagramgen.generate import RequestError
    from diagramgen.generate import generate as run
    from diagramgen.llm import BackendError, Mode, Sampling, load_backend

    if mode not in ("plan", "nodelist"):
        raise fail(f"--mode must be plan or nodelist, not {mode!r}", 2)
    try:
        sampling = Sampling(count, temperature, top_p, max_new_tokens, seed)
    except ValueError as exc:
        raise fail(str(exc), 2) from None
    console = Console(stderr=True)
    try:
        with console.status("starting") as status:
            notify = status.update
            notify("loading the model")
            started = time.perf_counter()
            kind: Mode = "plan" if mode == "plan" else "nodelist"
            chosen = load_backend(backend, str(adapter) if adapter else None, model, kind)
            loaded = time.perf_counter() - started
            store = None
            if user is not None:
                from diagramgen.store import Store

                store = Store(db)
            result = run(
                request, count, recommend, chosen, out, sampling, notify, user, store, weight
            )
    except (RequestError, BackendError) as exc:
        raise fail(str(exc), 2) from None
    result.seconds["load"] = round(result.seconds["load"] + loaded, 3)
    result.seconds["total"] = round(result.seconds["total"] + loaded, 3)
    (out / "result.json").write_text(
        json.dumps(result.as_dict(), indent=1, ensure_ascii=False) + "\n"
    )
    if as_json:
        typer.echo(json.dumps(result.as_dict(), ensure_ascii=False))
        return
    for c in result.candidates:
        mark = "*" if c.recommended else " "
        typer.echo(f"{mark} #{c.rank}  final {c.scores['final']:.2f}  {c.png}")
    for d in result.dropped:
        typer.echo(f"  dropped: {d['reason']}", err=True)
    typer.echo(f"{len(result.candidates)} candidates in {result.seconds['total']:.1f} s -> {out}")


@app.command("eval")
def eval_command(
    requests: Annotated[Path, typer.Argument(help="JSONL rows with request + structure/intended.")],
    compare_seed: Annotated[
        bool, typer.Option(help="Also score the rows' seed_system_output with the same code.")
    ] = False,
    limit: Annotated[int | None, typer.Option(help="Only the first N rows.")] = None,
    every: Annotated[
        int, typer.Option(min=1, help="Only every Nth row (a smaller sample that keeps the mix).")
    ] = 1,
    backend: Annotated[str, typer.Option(help="embedded, hf:PATH or openai:URL.")] = "embedded",
    adapter: Annotated[Path | None, typer.Option(help="A LoRA adapter folder to use.")] = None,
    count: Annotated[int, typer.Option(help="Candidates per request.")] = 5,
    seed: Annotated[int, typer.Option()] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Parse rate, exact structure, flow faithfulness, readability, latency, tokens."""
    from rich.console import Console
    from rich.progress import Progress
    from rich.table import Table

    from diagramgen.data import read_jsonl
    from diagramgen.embedded import count_tokens
    from diagramgen.evaluate import evaluate, evaluate_seed_outputs
    from diagramgen.llm import BackendError, Sampling, load_backend

    if not requests.is_file():
        raise fail(f"{requests}: no such file", 2)
    rows = read_jsonl(requests)[::every][:limit]
    try:
        model = load_backend(backend, str(adapter) if adapter else None)
    except BackendError as exc:
        raise fail(str(exc), 2) from None
    with Progress(transient=True, console=Console(stderr=True)) as progress:
        task = progress.add_task("evaluating", total=len(rows))
        report = evaluate(
            rows, model, Sampling(n=count, seed=seed), count_tokens, lambda: progress.advance(task)
        )
    results = {getattr(model, "name", backend): report.summary()}
    if compare_seed:
        results["seed system (recorded answers)"] = evaluate_seed_outputs(
            rows, count_tokens
        ).summary()
    if as_json:
        typer.echo(json.dumps(results, indent=1))
        return
    keys = sorted({k for summary in results.values() for k in summary if k != "drop_reasons"})
    table = Table("metric", *results)
    for key in keys:
        cells = [summary.get(key) for summary in results.values()]
        table.add_row(
            key,
            *["-" if c is None else f"{c:.3f}" if isinstance(c, float) else str(c) for c in cells],
        )
    Console().print(table)
    for name, summary in results.items():
        for reason, times in summary.get("drop_reasons", {}).items():
            typer.echo(f"{name}: {times} samples dropped: {reason}")


data_app = typer.Typer(help="Make training datasets.", no_args_is_help=True)
app.add_typer(data_app, name="data")


def default_seed_data() -> Path | None:
    """The seed project's data: $DIAGRAMGEN_SEED_DATA, else ../shared/seed-data if present."""
    env = os.environ.get("DIAGRAMGEN_SEED_DATA")
    candidate = Path(env) if env else Path("..") / "shared" / "seed-data"
    return candidate if candidate.is_dir() else None


SeedDataOption = Annotated[
    Path | None,
    typer.Option(help="Seed data folder (default $DIAGRAMGEN_SEED_DATA or ../shared/seed-data)."),
]


@data_app.command("sft")
def data_sft(
    out: Annotated[Path, typer.Option("--out", help="Folder for train.jsonl and val.jsonl.")],
    count: Annotated[int, typer.Option(min=10, help="Synthetic examples to make.")] = 5000,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same files).")] = 0,
    val_fraction: Annotated[float, typer.Option(min=0.01, max=0.5)] = 0.1,
    seed_data: SeedDataOption = None,
) -> None:
    """Synthetic (request, plan, structure) examples, plus the seed's 280 net requests."""
    from rich.progress import Progress

    from diagramgen.data import make_sft_dataset

    seed_data = seed_data or default_seed_data()
    if seed_data is None:
        typer.echo("warning: no seed data found; benchmark requests cannot be excluded", err=True)
    with Progress(transient=True) as progress:
        task = progress.add_task("making examples", total=count)
        info = make_sft_dataset(
            out, count, seed, val_fraction, seed_data, lambda n: progress.advance(task, n)
        )
    typer.echo(f"wrote {info.train} training and {info.val} validation examples to {out}")


@data_app.command("prefs")
def data_prefs(
    sft: Annotated[Path, typer.Option("--sft", help="An SFT dataset folder (train/val.jsonl).")],
    out: Annotated[Path, typer.Option("--out", help="Folder for train.jsonl and val.jsonl.")],
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    per_example: Annotated[int, typer.Option(min=1, max=8, help="Pairs per example.")] = 1,
    mine_from: Annotated[
        str | None, typer.Option(help="Also mine pairs from this backend's own wrong samples.")
    ] = None,
    mine_limit: Annotated[int, typer.Option(help="Training requests to sample for mining.")] = 200,
    adapter: Annotated[
        Path | None, typer.Option(help="The LoRA adapter of the model to mine from.")
    ] = None,
) -> None:
    """Preference pairs: each correct plan against a realistic mistake, with the reason."""
    from diagramgen.data import read_jsonl, write_jsonl
    from diagramgen.data.prefs import make_pref_dataset

    if not (sft / "train.jsonl").is_file():
        raise fail(f"{sft}: no train.jsonl there (make one with 'diagramgen data sft')", 2)
    train, val = make_pref_dataset(sft, out, seed, per_example)
    if mine_from:
        from rich.progress import Progress

        from diagramgen.data.mining import mine_pairs
        from diagramgen.llm import BackendError, Sampling, load_backend

        try:
            backend = load_backend(mine_from, adapter=str(adapter) if adapter else None)
        except BackendError as exc:
            raise fail(str(exc), 2) from None
        rows = read_jsonl(sft / "train.jsonl")[:mine_limit]
        with Progress(transient=True) as progress:
            task = progress.add_task("sampling the model", total=len(rows))
            mined = mine_pairs(
                rows, backend, Sampling(n=4, seed=seed), seed, lambda: progress.advance(task)
            )
        pairs = read_jsonl(out / "train.jsonl") + mined
        train = write_jsonl(out / "train.jsonl", pairs)
        typer.echo(f"mined {len(mined)} pairs from {backend.name}'s wrong samples")
    typer.echo(f"wrote {train} training and {val} validation pairs to {out}")


@data_app.command("card")
def data_card(
    dataset: Annotated[Path, typer.Argument(help="An SFT dataset folder.")],
    out: Annotated[Path | None, typer.Option("-o", "--output", help="Markdown file.")] = None,
    seed_data: SeedDataOption = None,
) -> None:
    """Describe a dataset: counts per kind, answer tokens, phrasing diversity, examples."""
    from diagramgen.data.card import card_markdown
    from diagramgen.embedded import count_tokens

    if not (dataset / "train.jsonl").is_file():
        raise fail(f"{dataset}: no train.jsonl there", 2)
    text = card_markdown(dataset, count_tokens, seed_data or default_seed_data())
    if out is None:
        typer.echo(text)
    else:
        out.write_text(text, encoding="utf-8")
        typer.echo(f"wrote {out}")


IMAGE_SUFFIXES = (".png", ".svg", ".jpg", ".jpeg")


def _score_file(path: Path) -> dict[str, object]:
    """Readability of one file: the exact metric for a diagram text, the CNN for any image."""
    from diagramgen.scoring import image_readability

    row: dict[str, object] = {"file": str(path)}
    if path.suffix.lower() in IMAGE_SUFFIXES:
        row["cnn"] = image_readability(path)
        return row
    diagram, _ = parse_diagram_text(path.read_text(encoding="utf-8"))
    row["metric"] = readability(diagram).as_dict()
    return row


@app.command()
def score(
    files: Annotated[list[Path], typer.Argument(help="Diagram images (PNG/SVG) or texts.")],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per file.")] = False,
) -> None:
    """Readability 0-5 of diagrams: the CNN for images from anywhere, the metric for texts."""
    failed = 0
    for path in files:
        try:
            row = _score_file(path)
        except (OSError, UnicodeDecodeError, ValueError, DiagramTextError) as exc:
            typer.echo(f"error: {path}: {getattr(exc, 'strerror', None) or exc}", err=True)
            failed += 1
            continue
        if as_json:
            typer.echo(json.dumps(row, ensure_ascii=False))
        elif "cnn" in row:
            cnn = row["cnn"]
            shown = "no readability CNN shipped" if cnn is None else f"{cnn:.2f}/5 (CNN)"
            typer.echo(f"{path}: {shown}")
        else:
            metric = row["metric"]
            assert isinstance(metric, dict)
            problems = ", ".join(
                f"{k.replace('_', ' ')} {v:g}"
                for k, v in metric.items()
                if k not in ("score", "min_gap") and v
            )
            typer.echo(
                f"{path}: {metric['score']:.2f}/5 (metric){'; ' + problems if problems else ''}"
            )
    if failed:
        raise typer.Exit(1)


DbOption = Annotated[
    Path | None,
    typer.Option("--db", help="Ratings database (default $DIAGRAMGEN_DB or the data dir)."),
]


def _diagram_for_image(store: object, image: Path) -> int:
    """The stored diagram drawn in `image`, registered on first sight (its .txt beside it)."""
    from diagramgen.store import Store

    assert isinstance(store, Store)
    key = str(image.resolve())
    found = store.diagram_by_image(key)
    if found is not None:
        return found
    from diagramgen.scoring import encoder_id, image_latent

    text_file = image.with_suffix(".txt")
    text = text_file.read_text(encoding="utf-8") if text_file.is_file() else ""
    try:
        latent = image_latent(image)
    except (OSError, ValueError):
        latent = None  # not an image we can read: the rating is kept, without a latent
    return store.add_diagram(
        "", text, key, latent, latent_model=None if latent is None else encoder_id()
    )


@app.command()
def rate(
    diagram: Annotated[str, typer.Argument(help="A diagram id, or a PNG/SVG file of one.")],
    score: Annotated[float, typer.Argument(help="0 (bad) to 5 (great).")],
    user: Annotated[str, typer.Option(help="Whose rating this is.")],
    db: DbOption = None,
) -> None:
    """Rate a diagram 0-5 for one user; the user's next rankings learn from it."""
    from diagramgen.store import Store

    store = Store(db)
    image = Path(diagram)
    try:
        diagram_id = int(diagram) if diagram.isdigit() else None
        if diagram_id is None:
            if not image.is_file():
                raise fail(f"{diagram}: neither a diagram id nor an image file", 2)
            diagram_id = _diagram_for_image(store, image)
        store.rate(user, diagram_id, score)
    except (ValueError, KeyError) as exc:
        raise fail(str(exc).strip("'\""), 2) from None
    typer.echo(f"{user} rated diagram {diagram_id}: {score:g}/5")


ratings_app = typer.Typer(help="Manage ratings.", no_args_is_help=True)
app.add_typer(ratings_app, name="ratings")


@ratings_app.command("import")
def ratings_import(
    folder: Annotated[
        Path, typer.Argument(help="A folder with 0/ 1/ ... 5/ subfolders of images.")
    ],
    user: Annotated[str, typer.Option(help="Whose ratings these are.")],
    db: DbOption = None,
) -> None:
    """Import ratings laid out like the seed's knn_user_score/0..5/ folders."""
    from diagramgen.store import Store

    if not folder.is_dir():
        raise fail(f"{folder}: no such folder", 2)
    store = Store(db)
    count = 0
    for score in range(6):
        for image in sorted((folder / str(score)).glob("*")):
            if image.suffix.lower() in IMAGE_SUFFIXES:
                store.rate(user, _diagram_for_image(store, image), score)
                count += 1
    if count == 0:
        raise fail(f"{folder}: no images in 0/ .. 5/ subfolders", 2)
    typer.echo(f"imported {count} ratings for {user}")


train_app = typer.Typer(help="Fine-tune the model and train the scorers.", no_args_is_help=True)
app.add_typer(train_app, name="train")

ConfigOption = Annotated[Path | None, typer.Option("--config", help="A TOML training config.")]


def _train_config(config: Path | None, **overrides: object) -> object:
    from diagramgen.train.config import load_config

    if config is not None and not config.is_file():
        raise fail(f"{config}: no such config file", 2)
    try:
        cfg = load_config(config, **overrides)
    except (ValueError, TypeError) as exc:
        raise fail(str(exc), 2) from None
    if not (cfg.data / "train.jsonl").is_file():
        raise fail(f"{cfg.data}: no train.jsonl (make the dataset with 'diagramgen data')", 2)
    return cfg


@train_app.command("sft")
def train_sft(
    config: ConfigOption = None,
    data: Annotated[Path | None, typer.Option(help="Dataset folder.")] = None,
    output: Annotated[Path | None, typer.Option(help="Run folder.")] = None,
    max_steps: Annotated[int | None, typer.Option(help="Optimiser steps.")] = None,
    resume: Annotated[bool, typer.Option(help="Continue from the newest checkpoint.")] = False,
) -> None:
    """LoRA SFT on plan answers (CPU, one GPU, or several under accelerate launch)."""
    from diagramgen.train.sft import run_sft

    cfg = _train_config(
        config, data=data, output=output, max_steps=max_steps, resume=resume or None
    )
    adapter = run_sft(cfg)  # type: ignore[arg-type]
    typer.echo(f"adapter saved to {adapter}")


@train_app.command("orpo")
def train_orpo(
    config: ConfigOption = None,
    data: Annotated[Path | None, typer.Option(help="Preference dataset folder.")] = None,
    output: Annotated[Path | None, typer.Option(help="Run folder.")] = None,
    init_adapter: Annotated[
        Path | None, typer.Option(help="Start from this (SFT) adapter.")
    ] = None,
    max_steps: Annotated[int | None, typer.Option(help="Optimiser steps.")] = None,
    method: Annotated[str, typer.Option(help="orpo, or dpo.")] = "orpo",
    resume: Annotated[bool, typer.Option(help="Continue from the newest checkpoint.")] = False,
) -> None:
    """Preference tuning (ORPO by default, DPO as an option) from the SFT adapter."""
    from diagramgen.train.orpo import run_preference

    if method not in ("orpo", "dpo"):
        raise fail(f"--method must be orpo or dpo, not {method!r}", 2)
    cfg = _train_config(
        config,
        data=data,
        output=output,
        init_adapter=init_adapter,
        max_steps=max_steps,
        resume=resume or None,
    )
    adapter = run_preference(cfg, method)  # type: ignore[arg-type]
    typer.echo(f"adapter saved to {adapter}")


def _image_set(sft: Path, count: int, seed: int) -> object:
    from rich.progress import Progress

    from diagramgen.scoring.train import build_images

    if not (sft / "train.jsonl").is_file():
        raise fail(f"{sft}: no train.jsonl (make the dataset with 'diagramgen data sft')", 2)
    with Progress(transient=True) as progress:
        task = progress.add_task("rendering training images", total=count)
        return build_images(sft, default_seed_data(), count, seed, lambda: progress.advance(task))


@train_app.command("readability")
def train_readability_command(
    sft: Annotated[Path, typer.Option(help="SFT dataset whose answers are drawn.")] = Path(
        "data/sft"
    ),
    images: Annotated[int, typer.Option(help="Diagrams to render.")] = 6000,
    folds: Annotated[int, typer.Option(help="k of the k-fold ensemble.")] = 5,
    epochs: Annotated[int, typer.Option()] = 6,
    seed: Annotated[int, typer.Option()] = 0,
) -> None:
    """Readability CNN: k-fold ensemble on clean-to-cluttered images labelled by the metric."""
    from diagramgen.scoring.train import train_readability

    data = _image_set(sft, images, seed)
    metrics = train_readability(data, folds, epochs, seed)  # type: ignore[arg-type]
    typer.echo(json.dumps({"readability_cnn": metrics}, indent=1))


@train_app.command("autoencoder")
def train_autoencoder_command(
    sft: Annotated[Path, typer.Option(help="SFT dataset whose answers are drawn.")] = Path(
        "data/sft"
    ),
    images: Annotated[int, typer.Option(help="Diagrams to render.")] = 3000,
    epochs: Annotated[int, typer.Option()] = 15,
    seed: Annotated[int, typer.Option()] = 0,
) -> None:
    """Convolutional auto-encoder whose latents feed the per-user k-NN."""
    from diagramgen.scoring.train import train_autoencoder

    data = _image_set(sft, images, seed)
    metrics = train_autoencoder(data, epochs, seed)  # type: ignore[arg-type]
    typer.echo(json.dumps({"autoencoder": metrics}, indent=1))


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    backend: Annotated[str, typer.Option(help="embedded, hf:PATH or openai:URL.")] = "embedded",
    count: Annotated[int, typer.Option(min=1, max=16, help="Candidates per request.")] = 5,
    recommend: Annotated[int, typer.Option(min=1, max=16, help="How many to recommend.")] = 3,
    db: DbOption = None,
) -> None:
    """The web app: generate, compare, rate, edit and download diagrams in a browser."""
    try:
        import uvicorn

        from diagramgen.web import WebSettings, create_app
    except ImportError:
        raise fail("the web app needs its extra: pip install 'diagramgen[web]'", 2) from None
    if recommend > count:
        raise fail("--recommend cannot be larger than --count", 2)
    settings = WebSettings(db=db, backend=backend, count=count, recommend=recommend)
    typer.echo(f"diagramgen web app on http://{host}:{port}")
    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning")


def _as_format(fmt: str) -> TextFormat:
    return "plan" if fmt == "plan" else "nodelist" if fmt == "nodelist" else "auto"


def main() -> None:
    app()


if __name__ == "__main__":
    main()
