"""The day loop: generate the clean model of a day, compute what ground truth
needs, add messiness, write one file per entity per day.

Memory stays bounded: only the current day's rows, rows scheduled for later
files (versions, surveys, QA, late rows: at most a few days ahead) and the
compact per-contact/leg arrays of the ground truth are held.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import sys
import time
from collections import Counter, deque
from concurrent.futures import Executor, Future, ProcessPoolExecutor
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
from ccw.simulator.filejob import VERSIONED_LATEST, Context, FileResult, process_file
from ccw.simulator.frame import Frame, concat, empty_frame, nrows, take
from ccw.simulator.schema import ENTITIES, Entity
from ccw.simulator.truth import Truth
from ccw.simulator.world import S_MESS, World
from ccw.simulator.writers import entity_dir

GROUND_TRUTH_DIR = "_ground_truth"
S_ROUTE = S_MESS  # stream for late-row routing (day-level)
MAX_LATE_DAYS = 3


class Simulation:
    def __init__(self, cfg: SimConfig, out: Path, progress: bool = False):
        self.cfg = cfg
        self.out = Path(out)
        self.progress = progress
        self.world = World(cfg)
        self.rates = {k: cfg.rate(k) for k in MESS_TYPES}
        self.plan = crm.RosterPlan(self.world, self.rates["extra_version"])
        self.ctx = Context(self.out, cfg.fmt, cfg.seed, cfg.start, cfg.days, tuple(sorted(self.rates.items())))
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
        calls, call_contacts = generate_calls(w, d, recent)
        messages, chat_contacts, assignments = generate_chats(w, d, recent, self.last_end)
        contacts = Contacts.concat([call_contacts, chat_contacts])
        if self.truth is not None:
            self.truth.add_contacts(contacts)
            self.truth.add_assignments(chat_contacts.started_at[assignments["contact"]], assignments["agent"],
                                       assignments["replied"])
        known = contacts.customer[contacts.customer > 0]
        self.recent.append(np.unique(known))
        calls["_file_day"] = np.full(nrows(calls), d)
        # a message after local midnight goes to the next day's file (the last file keeps the tail)
        messages["_file_day"] = np.minimum(w.day_of(messages["sent_at"]), self.cfg.days - 1)
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
        if (fd == d).all():  # the common case: everything in today's file
            self.outbox.setdefault(d, {}).setdefault(name, []).append(frame)
            return
        for day in np.unique(fd):
            if day >= self.cfg.days:
                continue
            self.outbox.setdefault(int(day), {}).setdefault(name, []).append(take(frame, np.flatnonzero(fd == day)))

    def _submit(self, entity: Entity, d: int, clean: Frame, pool: Executor | None, pending: deque) -> None:
        name = entity.full
        clean = {k: v for k, v in clean.items() if not k.startswith("_") or k == "_orphan"} if clean else {}
        if "_orphan" in clean:
            self.orphans[name] += int(clean.pop("_orphan").sum())
        if not clean:
            clean = empty_frame(entity)
        if self.truth is not None:
            self.truth.observe(name, clean)
        if pool is None:
            self._collect(process_file(self.ctx, name, d, clean))
        else:
            pending.append(pool.submit(process_file, self.ctx, name, d, clean))

    def _collect(self, res: FileResult) -> None:
        c = self.counts[res.entity]
        c["raw_rows"] += res.raw_rows
        c["duplicate_rows"] += res.duplicate_rows
        c["rejected_rows"] += sum(res.rejected.values())
        c["valid_rows"] += res.valid_rows
        c["stale_rows"] += res.stale_rows
        c["noisy_rows"] += res.noisy_rows
        self.rejected[res.entity].update(res.rejected)
        if res.valid_ids is not None:
            self.valid_ids[res.entity].append(res.valid_ids)

    def _workers(self) -> int:
        env = os.environ.get("CCW_SIM_WORKERS")
        if env is not None:
            return max(0, int(env))
        big = self.cfg.days * self.cfg.agents >= 3000
        return min(2, os.cpu_count() or 1) if big else 0

    # -- run -----------------------------------------------------------------------------------------
    def run(self) -> dict[str, Any]:
        t0 = time.perf_counter()
        self._prepare()
        total = 0
        workers = self._workers()
        pending: deque[Future] = deque()
        pool: Executor | None = None
        if workers:
            # fork: workers inherit the loaded modules (no re-import); elsewhere the platform default
            methods = multiprocessing.get_all_start_methods()
            mp = multiprocessing.get_context("fork") if "fork" in methods else None
            pool = ProcessPoolExecutor(max_workers=workers, mp_context=mp)
        try:
            for d in range(self.cfg.days):
                rows = self._generate(d)
                rrng = self.world.rng(S_ROUTE, d)
                for e in ENTITIES:
                    self._route(e.full, rows.get(e.full, {}), d, rrng)
                today = self.outbox.pop(d, {})
                for e in ENTITIES:
                    self._submit(e, d, concat(today.get(e.full, [])), pool, pending)
                while len(pending) > 3 * len(ENTITIES):  # bounded memory: at most ~3 days in flight
                    self._collect(pending.popleft().result())
                total = sum(c["raw_rows"] for c in self.counts.values())
                self._progress(d, total, t0)
            while pending:
                self._collect(pending.popleft().result())
        finally:
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)
        total = sum(c["raw_rows"] for c in self.counts.values())
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
