"""The day loop: generate the clean model of a day, compute what ground truth
needs, add messiness, write one file per entity per day.

Memory stays bounded: only the current day's rows, rows scheduled for later
files (versions, surveys, QA, late rows: at most a few days ahead) and the
compact per-contact/leg arrays of the ground truth are held.
"""

from __future__ import annotations

import shutil
import sys
import time
from collections import Counter, deque
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from ccw import __version__
from ccw.errors import CcwError
from ccw.simulator import crm, wfm
from ccw.simulator.calls import generate_calls
from ccw.simulator.chats import generate_chats
from ccw.simulator.config import MESS_TYPES, SimConfig
from ccw.simulator.contacts import Contacts
from ccw.simulator.frame import Frame, concat, nrows, take
from ccw.simulator.messiness import Messer
from ccw.simulator.schema import BY_NAME, ENTITIES, Entity
from ccw.simulator.truth import Truth
from ccw.simulator.world import S_MESS, S_RENDER, World
from ccw.simulator.writers import entity_dir, text_table, write_table

GROUND_TRUTH_DIR = "_ground_truth"
VERSIONED_LATEST = ("crm__tickets", "crm__orders")  # latest updated_at wins; older versions superseded
MAX_LATE_DAYS = 3


class Simulation:
    def __init__(self, cfg: SimConfig, out: Path, progress: bool = False):
        self.cfg = cfg
        self.out = Path(out)
        self.progress = progress
        self.world = World(cfg)
        self.rates = {k: cfg.rate(k) for k in MESS_TYPES}
        self.plan = crm.RosterPlan(self.world, self.rates["extra_version"])
        self.messer = Messer(self.world.render, self.rates)
        self.truth = Truth(self.world, self.plan.versions()) if cfg.ground_truth else None
        self.outbox: dict[int, dict[str, list[Frame]]] = {}
        self.recent: deque[np.ndarray] = deque(maxlen=7)
        self.last_end = np.full((self.world.n_customers_total, 3), -(2**40), dtype=np.int64)
        self.counts: dict[str, Counter] = {e.full: Counter() for e in ENTITIES}
        self.rejected: dict[str, Counter] = {e.full: Counter() for e in ENTITIES}
        self.valid_ids: dict[str, list[np.ndarray]] = {e: [] for e in VERSIONED_LATEST}
        self.late_rows: Counter = Counter()
        self.orphans: Counter = Counter()

    # -- folder --------------------------------------------------------------------------------------
    def _prepare(self) -> None:
        out = self.out
        if out.exists() and not out.is_dir():
            raise CcwError(f"{out} is a file, not a folder", "--out", "choose a folder path")
        if out.exists() and any(out.iterdir()):
            if not (out / GROUND_TRUTH_DIR / "manifest.json").exists() and not (out / ".ccw-simulated").exists():
                raise CcwError(f"{out} is not empty and was not written by the simulator", "--out",
                               "choose an empty or new folder")
            for system in {e.system for e in ENTITIES} | {GROUND_TRUTH_DIR}:
                shutil.rmtree(out / system, ignore_errors=True)
        try:
            out.mkdir(parents=True, exist_ok=True)
            (out / ".ccw-simulated").write_text("written by `ccw simulate`; safe to overwrite\n")
            for e in ENTITIES:
                entity_dir(out, e).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CcwError(f"cannot write to {out}: {exc.strerror}", "--out", "choose a writable folder") from exc

    # -- one day -------------------------------------------------------------------------------------
    def _generate(self, d: int) -> dict[str, Frame]:
        w = self.world
        recent = np.concatenate(list(self.recent)) if self.recent else np.zeros(0, dtype=np.int64)
        calls, call_contacts, _ = generate_calls(w, d, recent)
        messages, chat_contacts = generate_chats(w, d, recent, self.last_end)
        contacts = Contacts.concat([call_contacts, chat_contacts])
        if self.truth is not None:
            self.truth.add_contacts(contacts)
        known = contacts.customer[contacts.customer > 0]
        self.recent.append(np.unique(known))
        calls["_file_day"] = np.full(nrows(calls), d)
        # a message after local midnight goes to the next day's file (the last file keeps the tail)
        messages["_file_day"] = np.minimum(w.day_of(messages["sent_at"]), self.cfg.days - 1) if nrows(messages) else np.zeros(0, dtype=np.int64)
        return {
            "crm__agents": self.plan.rows(d),
            "crm__customers": crm.customer_rows(w, d, self.rates["extra_version"]),
            "crm__tickets": crm.tickets(w, d, contacts),
            "crm__orders": crm.orders(w, d, contacts),
            "crm__qa_evaluations": crm.qa_evaluations(w, d, contacts, self.rates["orphan"]),
            "telephony__calls": calls,
            "messaging__messages": messages,
            "survey__responses": crm.responses(w, d, contacts, self.rates["orphan"]),
            "wfm__schedules": wfm.schedules(w, d),
            "wfm__agent_states": wfm.agent_states(w, d),
        }

    def _route(self, name: str, frame: Frame, d: int, rng: np.random.Generator) -> None:
        """Send rows to the file of their day; some of today's rows arrive late (1-3 days later)."""
        if not frame or not nrows(frame):
            return
        fd = np.maximum(frame["_file_day"], d)
        today = fd == d
        late_ok = today & (d + 1 < self.cfg.days) & (rng.random(len(fd)) < self.rates["late"])
        shift = rng.integers(1, MAX_LATE_DAYS + 1, len(fd))
        fd = np.where(late_ok, np.minimum(d + shift, self.cfg.days - 1), fd)
        self.late_rows[name] += int(late_ok.sum())
        frame["_file_day"] = fd
        for day in np.unique(fd):
            if day >= self.cfg.days:
                continue
            self.outbox.setdefault(int(day), {}).setdefault(name, []).append(take(frame, np.flatnonzero(fd == day)))

    def _file(self, entity: Entity, d: int, clean: Frame, pool: ThreadPoolExecutor, futures: list[Future]) -> None:
        name = entity.full
        rng = self.world.rng(S_MESS, d, ENTITIES.index(entity))
        clean = {k: v for k, v in clean.items() if not k.startswith("_") or k == "_orphan"} if clean else {}
        if "_orphan" in clean:
            self.orphans[name] += int(clean.pop("_orphan").sum())
        if not clean:
            clean = {c.name: v for c, v in zip(entity.cols, self._empty(entity))}
        if self.truth is not None:
            self.truth.observe(name, clean)
        parts = [clean]
        stale: Frame = {}
        if name in VERSIONED_LATEST:
            stale = self.messer.stale_versions(entity, clean, rng)
            parts.append(stale)
            self.valid_ids[name].append(np.concatenate([clean[entity.key[0]], stale.get(entity.key[0], np.zeros(0, dtype=np.int64))]))
        junk, plan = self.messer.junk(entity, clean, d, rng)
        n_valid = nrows(clean) + nrows(stale)
        typed = concat([p for p in parts + [junk] if p]) or clean
        cols = self.world.render.render(entity, typed, self.world.rng(S_RENDER, d, ENTITIES.index(entity)))
        self.messer.text_defects(entity, cols, n_valid, plan, rng)
        noisy = self.messer.enum_noise(entity, cols, n_valid, rng)
        table, dups = self.messer.duplicates(text_table(entity, cols), self.rates["duplicate"], rng)
        c = self.counts[name]
        c["raw_rows"] += table.num_rows
        c["duplicate_rows"] += dups
        c["rejected_rows"] += len(plan)
        c["valid_rows"] += n_valid
        c["stale_rows"] += nrows(stale)
        c["noisy_rows"] += noisy
        for reason, _col in plan:
            self.rejected[name][reason] += 1
        path = entity_dir(self.out, entity) / f"{self.world.render.start.fromordinal(self.world.render.start.toordinal() + d).isoformat()}.{self.cfg.fmt}"
        futures.append(pool.submit(write_table, path, table, self.cfg.fmt))

    @staticmethod
    def _empty(entity: Entity) -> list[Any]:
        from ccw.simulator.frame import empty_frame

        return list(empty_frame(entity).values())

    # -- run -----------------------------------------------------------------------------------------
    def run(self) -> dict[str, Any]:
        t0 = time.perf_counter()
        self._prepare()
        futures: list[Future] = []
        total = 0
        with ThreadPoolExecutor(max_workers=2) as pool:
            for d in range(self.cfg.days):
                rows = self._generate(d)
                rrng = self.world.rng(S_MESS, d, 99)
                for e in ENTITIES:
                    self._route(e.full, rows.get(e.full, {}), d, rrng)
                today = self.outbox.pop(d, {})
                for e in ENTITIES:
                    self._file(e, d, concat(today.get(e.full, [])), pool, futures)
                while len(futures) > 40:  # bounded memory: wait for old writes
                    futures.pop(0).result()
                total = sum(c["raw_rows"] for c in self.counts.values())
                self._progress(d, total, t0)
            for f in futures:
                f.result()
        gen_s = time.perf_counter() - t0
        summary = self._summary(total, gen_s)
        if self.truth is not None:
            if self.progress:
                self._report("simulate: computing ground truth ...")
            stats = self.truth.write(self.out / GROUND_TRUTH_DIR, self.entity_counts(), self._rejected(), self._manifest())
            summary["truth_stats"] = stats
        else:
            gt = self.out / GROUND_TRUTH_DIR
            gt.mkdir(parents=True, exist_ok=True)
            import json

            (gt / "manifest.json").write_text(json.dumps(self._manifest(), indent=2, sort_keys=True) + "\n")
        summary["seconds"] = round(time.perf_counter() - t0, 3)
        summary["generate_seconds"] = round(gen_s, 3)
        if self.progress:
            self._report(f"simulate: wrote {total:,} rows to {self.out} in {summary['seconds']:.1f}s")
        return summary

    def entity_counts(self) -> dict[str, dict[str, int]]:
        out = {}
        for e in ENTITIES:
            c = self.counts[e.full]
            superseded = 0
            if e.full in VERSIONED_LATEST:
                ids = np.concatenate(self.valid_ids[e.full]) if self.valid_ids[e.full] else np.zeros(0)
                superseded = int(len(ids) - len(np.unique(ids)))
            clean = c["raw_rows"] - c["duplicate_rows"] - c["rejected_rows"] - superseded
            out[e.full] = {"raw_rows": c["raw_rows"], "clean_rows": clean, "rejected_rows": c["rejected_rows"],
                           "duplicate_rows": c["duplicate_rows"], "superseded_rows": superseded}
        return out

    def _rejected(self) -> dict[str, dict[str, int]]:
        return {k: dict(v) for k, v in self.rejected.items()}

    def _manifest(self) -> dict[str, Any]:
        return {
            "generator": f"ccw {__version__} simulator",
            "parameters": self.cfg.manifest(),
            "layout": "<out>/<system>/<entity>/<YYYY-MM-DD>.<format>",
            "entities": [e.full for e in ENTITIES],
            "injected": {
                e.full: {
                    "junk_rows": self.counts[e.full]["rejected_rows"],
                    "duplicate_copies": self.counts[e.full]["duplicate_rows"],
                    "late_rows": self.late_rows[e.full],
                    "enum_noise_rows": self.counts[e.full]["noisy_rows"],
                    "stale_versions": self.counts[e.full]["stale_rows"],
                    "orphan_rows": self.orphans[e.full],
                } for e in ENTITIES
            },
            "extra_versions": {"crm__agents": int(len(self.plan.extra_agent)),
                               "crm__customers": int(self.counts["crm__customers"]["valid_rows"] - self.world.n_customers_total)},
            "clean_rows_before_messiness": {e.full: self.counts[e.full]["valid_rows"] - self.counts[e.full]["stale_rows"] for e in ENTITIES},
        }

    def _summary(self, total: int, seconds: float) -> dict[str, Any]:
        return {
            "days": self.cfg.days, "agents": self.cfg.agents, "seed": self.cfg.seed, "format": self.cfg.fmt,
            "rows": {e.full: self.counts[e.full]["raw_rows"] for e in ENTITIES}, "total_rows": total,
            "ground_truth": str(self.out / GROUND_TRUTH_DIR) if self.truth is not None else None,
        }

    def _progress(self, d: int, total: int, t0: float) -> None:
        if not self.progress:
            return
        days = self.cfg.days
        el = time.perf_counter() - t0
        line = f"simulate: day {d + 1}/{days}  {total:,} rows  {el:.1f}s"
        if sys.stderr.isatty():
            sys.stderr.write("\r" + line + ("\n" if d + 1 == days else ""))
            sys.stderr.flush()
        elif (d + 1) % max(1, days // 10) == 0 or d + 1 == days:
            self._report(line)

    @staticmethod
    def _report(line: str) -> None:
        sys.stderr.write(line + "\n")
        sys.stderr.flush()
