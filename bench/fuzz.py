"""Fuzz the diagram-text parsers, the layout, the readability metric and the renderer: only the
project's own errors may escape, and no input may take over 1 s or 300 MB.

Inputs are mutations of real texts (plans made by the data generator, the seed's node lists,
node lists written from plans) and plain random text, seeded and reproducible. Every input is
parsed; each one that parses is laid out, measured by the metric and drawn as SVG (one in
`--png-every` also rasterised to PNG). Workers run with a per-input alarm (5 s, then the input
is counted as over time and the worker moves on) and an address-space cap, and their peak RSS
is read after every input: an input that lifts it more than 300 MB above the worker's start is
reported (the peak only grows, so no report means no input ever got there).

    .venv/bin/python bench/fuzz.py --inputs 1000000 [--workers 2] [--write-docs]
"""

from __future__ import annotations

import argparse
import random
import resource
import signal
import time
import traceback
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from common import DOCS, write_section

SEED_CASES = Path(__file__).parents[2] / "shared" / "seed-data" / "seed_format_cases.txt"
TIME_LIMIT_S = 1.0
MEMORY_LIMIT_MB = 300
ALARM_S = 5
# Characters that broke parsers before: Unicode digits, control characters, quotes, arrows.
NASTY = ["➀", "₆", "٣", "\x00", "\x01", "\x7f", "\u202e", '"', "'", "->", "→", "\\", "\n", "#"]
NUMBERS = ["1e999", "1e308", "-1e308", "nan", "inf", "-0", "99999999999999999999999", "0x10"]
NUMBERS += ["2" * 40, "-1", "0", "3.5", "1_000", "١٢", "²"]
ASCII = "abcdefghijklmnopqrstuvwxyz0123456789 ->,.:[](){}'\"=x\n#"


@dataclass
class Tally:
    """What a batch of inputs did."""

    inputs: int = 0
    rejected: int = 0  # a DiagramTextError: the parsers' own, line-precise refusal
    drawn: int = 0
    rasterised: int = 0
    crashes: list[str] = field(default_factory=list)
    slow: list[str] = field(default_factory=list)
    heavy: list[str] = field(default_factory=list)
    slowest_s: float = 0.0
    peak_mb: float = 0.0

    def add(self, other: Tally) -> None:
        for name in ("inputs", "rejected", "drawn", "rasterised"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.crashes += other.crashes
        self.slow += other.slow
        self.heavy += other.heavy
        self.slowest_s = max(self.slowest_s, other.slowest_s)
        self.peak_mb = max(self.peak_mb, other.peak_mb)


def corpus() -> list[str]:
    """Real texts to mutate: generated plans of every kind, node lists, the seed's cases."""
    from diagramgen.data import generate_examples
    from diagramgen.formats.nodelist import diagram_to_node_list
    from diagramgen.layout import parse_diagram_text

    plans = [e.answer for e in generate_examples(300, seed=7)]
    texts = list(plans)
    for plan in plans[:100]:
        texts.append(diagram_to_node_list(parse_diagram_text(plan)[0]))
    if SEED_CASES.is_file():
        texts += [t for t in SEED_CASES.read_text(encoding="utf-8").split("\n\n") if t.strip()]
    return texts


def mutate(text: str, rng: random.Random) -> str:
    """One to four random edits of a real text (or, now and then, plain random text)."""
    if rng.random() < 0.05:
        return "".join(rng.choice(ASCII + "".join(NASTY)) for _ in range(rng.randrange(200)))
    for _ in range(rng.randint(1, 4)):
        at = rng.randrange(len(text) + 1)
        edit = rng.randrange(7)
        if edit == 0:  # delete a span
            text = text[:at] + text[at + rng.randrange(1, 12) :]
        elif edit == 1:  # insert a nasty character
            text = text[:at] + rng.choice(NASTY) + text[at:]
        elif edit == 2:  # an extreme number in place of the next number
            digits = [i for i, c in enumerate(text) if c.isdigit()]
            if digits:
                i = rng.choice(digits)
                text = text[:i] + rng.choice(NUMBERS) + text[i + 1 :]
        elif edit == 3:  # duplicate, drop or swap lines
            lines = text.split("\n")
            i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
            choice = rng.randrange(3)
            if choice == 0:
                lines.insert(i, lines[j])
            elif choice == 1 and len(lines) > 1:
                del lines[i]
            else:
                lines[i], lines[j] = lines[j], lines[i]
            text = "\n".join(lines)
        elif edit == 4:  # random ASCII
            text = (
                text[:at]
                + "".join(rng.choice(ASCII) for _ in range(rng.randrange(1, 8)))
                + text[at:]
            )
        elif edit == 5:  # repeat a span many times (size limits)
            span = text[at : at + rng.randrange(1, 40)]
            text = text[:at] + span * rng.choice([2, 10, 100, 1000]) + text[at:]
        else:  # a random code point anywhere in Unicode
            text = text[:at] + chr(rng.randrange(0x110000)) + text[at:]
    return text


_START_MB: list[float] = []


def _worker_start_mb() -> float:
    """This worker's peak RSS when it took its first batch (later batches measure from it)."""
    if not _START_MB:
        _START_MB.append(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return _START_MB[0]


class _Alarm(Exception):
    pass


def _on_alarm(signum: int, frame: object) -> None:
    raise _Alarm


def run_batch(job: tuple[list[str], int, int, int]) -> Tally:
    """Check `count` mutations of the corpus (from `seed`) in this worker process."""
    texts, seed, count, png_every = job
    from diagramgen.errors import DiagramTextError
    from diagramgen.layout import parse_diagram_text
    from diagramgen.quality.metrics import readability
    from diagramgen.render import svg_to_png, to_svg

    signal.signal(signal.SIGALRM, _on_alarm)
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (4 << 30, hard))  # a runaway is a MemoryError
    rng = random.Random(seed)
    tally = Tally()
    base = _worker_start_mb()
    for i in range(count):
        text = mutate(rng.choice(texts), rng)
        tag = f"seed {seed} input {i}"
        started = time.perf_counter()
        signal.alarm(ALARM_S)
        try:
            diagram, _ = parse_diagram_text(text)
            readability(diagram)
            svg = to_svg(diagram)
            if (i + seed) % png_every == 0:
                svg_to_png(svg)
                tally.rasterised += 1
            tally.drawn += 1
        except DiagramTextError:
            tally.rejected += 1
        except _Alarm:
            tally.slow.append(f"{tag}: over {ALARM_S} s")
        except Exception as exc:  # anything else is a crash the issue asks us to find
            where = traceback.extract_tb(exc.__traceback__)[-1]
            tally.crashes.append(
                f"{tag}: {type(exc).__name__}: {str(exc)[:120]} at "
                f"{Path(where.filename).name}:{where.lineno} | text {text[:200]!r}"
            )
        finally:
            signal.alarm(0)
        took = time.perf_counter() - started
        tally.inputs += 1
        tally.slowest_s = max(tally.slowest_s, took)
        if took > TIME_LIMIT_S:
            tally.slow.append(f"{tag}: {took:.2f} s | text {text[:120]!r}")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - base
        if peak > MEMORY_LIMIT_MB and not tally.heavy:
            tally.heavy.append(f"{tag}: {peak:.0f} MB | text {text[:120]!r}")
        tally.peak_mb = max(tally.peak_mb, peak)
    return tally


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--batch", type=int, default=5_000)
    parser.add_argument("--png-every", type=int, default=50)
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()
    texts = corpus()
    jobs = [
        (texts, seed, min(args.batch, args.inputs - seed * args.batch), args.png_every)
        for seed in range(-(-args.inputs // args.batch))
    ]
    total, started = Tally(), time.time()
    with ProcessPoolExecutor(args.workers) as pool:
        for tally in pool.map(run_batch, jobs):
            total.add(tally)
            print(
                f"\r{total.inputs:,} inputs, {total.drawn:,} drawn, {len(total.crashes)} crashes, "
                f"{len(total.slow)} slow, {time.time() - started:.0f} s",
                end="",
                flush=True,
            )
    print()
    for line in (total.crashes + total.slow + total.heavy)[:30]:
        print(line)
    kinds = Counter(c.split(": ")[1] for c in total.crashes)
    print(dict(kinds))
    if args.write_docs:
        body = report(total, args, len(texts), time.time() - started)
        write_section("fuzz", body, DOCS.parent / "RELIABILITY.md")


def report(total: Tally, args: argparse.Namespace, corpus_size: int, seconds: float) -> str:
    """The docs/RELIABILITY.md section."""
    return "\n".join(
        [
            f"`bench/fuzz.py --inputs {args.inputs}`: {seconds / 60:.0f} min on "
            f"{args.workers} worker process{'es' if args.workers > 1 else ''}.",
            "",
            "| inputs | rejected by the parsers (their own error) | parsed, laid out, measured, "
            "drawn as SVG | also rasterised to PNG | crashes | over 1 s | over 300 MB | "
            "slowest | peak RSS above a worker's start |",
            "|---|---|---|---|---|---|---|---|---|",
            f"| {total.inputs:,} | {total.rejected:,} | {total.drawn:,} | {total.rasterised:,} | "
            f"{len(total.crashes)} | {len(total.slow)} | {len(total.heavy)} | "
            f"{total.slowest_s:.2f} s | {total.peak_mb:.0f} MB |",
            "",
            f"Mutations of {corpus_size} real texts (generated plans of every kind, node lists "
            "written from them, the seed's format cases) and plain random text.",
        ]
    )


if __name__ == "__main__":
    main()
