"""The simulated centre: calendar, random streams, agent roster, customer base,
shift plan and who is on duty in which hour.

Everything here is a deterministic function of the config, so any day can be
generated from the seed without generating the days before it (the only
state carried between days lives in `ccw.simulator.runner`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np

from ccw.simulator.config import SimConfig
from ccw.simulator.frame import Renderer
from ccw.simulator.schema import NULL, TZ_OFFSET_S

DAY_S = 86400
HOUR_S = 3600

# random stream ids (np.random.default_rng([seed, stream, day]))
S_ROSTER, S_CUSTOMERS, S_SHIFTS, S_CALLS, S_CHATS, S_CRM, S_WFM, S_MESS, S_RENDER, S_SURVEY, S_QA = range(11)

WEEKDAY_FACTOR = np.array([1.15, 1.05, 1.0, 1.0, 1.05, 0.85, 0.8])  # Monday..Sunday
CALL_HOURS = np.array([0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.5, 1.2, 2.6, 4.2, 5.0, 4.8,
                       3.6, 3.8, 4.6, 4.9, 4.6, 4.0, 3.0, 2.6, 2.4, 2.0, 1.2, 0.6])
CHAT_HOURS = np.array([0.6, 0.3, 0.2, 0.1, 0.1, 0.2, 0.4, 1.0, 2.0, 3.2, 3.8, 3.9,
                       3.5, 3.6, 3.8, 3.7, 3.5, 3.4, 3.3, 3.8, 4.3, 4.4, 3.0, 1.5])
CALL_HOURS = CALL_HOURS / CALL_HOURS.sum()
CHAT_HOURS = CHAT_HOURS / CHAT_HOURS.sum()

# shift templates: local start hour, length in hours (night crosses midnight and overlaps the early
# shift, so that every hour of the day has agents on duty)
SHIFT_START_H = np.array([8, 10, 14, 22])
SHIFT_LEN_H = np.array([9, 9, 9, 10])
# fewest agents of each skill (voice, chat) on each template, with staggered days off, so that every
# hour of every day has agents on duty
MIN_PER_SHIFT = np.array([2, 2, 2, 3])
SHIFT_WEIGHTS = np.array([0.3, 0.3, 0.27, 0.13])

FIRST = np.array("Wei Fang Min Jing Li Qiang Lei Yan Jun Hui Xin Ying Tao Ming Hong Ping Bo Na Chen Yu".split())
LAST = np.array("Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Lin Gao Luo".split())
SITES = np.array(["Shanghai", "Chengdu", "Manila"])
SITE_TZ = np.array(["Asia/Shanghai", "Asia/Shanghai", "Asia/Manila"])
CITIES = np.array("Shanghai Beijing Shenzhen Guangzhou Hangzhou Chengdu Wuhan Nanjing Xi'an Suzhou".split())
PHONE_MUL = 48271  # coprime with 10**9: customer number -> unique 9-digit tail


def epoch_of(d) -> int:
    return int(datetime(d.year, d.month, d.day, tzinfo=UTC).timestamp())


@dataclass
class Roster:
    n: int  # agents including leavers; agent k has id k+1
    active: np.ndarray  # bool
    voice: np.ndarray  # bool: takes calls (else chats)
    team: np.ndarray  # team index
    site: np.ndarray
    shift: np.ndarray  # shift template index
    off: np.ndarray  # weekly day-off offset
    hired_day: np.ndarray  # day numbers since epoch
    left_day: np.ndarray
    first_updated: np.ndarray  # epoch seconds of the first exported version
    names: np.ndarray
    team_names: list[str]


class World:
    def __init__(self, cfg: SimConfig):
        self.cfg = cfg
        self.days = cfg.days
        self.start_epoch = epoch_of(cfg.start)
        self.start_daynum = self.start_epoch // DAY_S
        self.end_utc = self.day_start(cfg.days)  # end of the last reporting day (exclusive)
        self.render = Renderer(cfg.start, cfg.days)
        self.roster = self._make_roster()
        self._make_customers()
        self._shift_cache: dict[int, tuple[np.ndarray, ...]] = {}

    # -- calendar
    def rng(self, stream: int, day: int = -1, *more: int) -> np.random.Generator:
        return np.random.default_rng([self.cfg.seed, stream, day + 1000, *more])

    def day_start(self, d: int) -> int:
        """UTC epoch seconds of local (Asia/Shanghai) midnight starting reporting day d."""
        return self.start_epoch - TZ_OFFSET_S + d * DAY_S

    def day_of(self, ts: np.ndarray) -> np.ndarray:
        """Reporting day index (0 = start date) of UTC epoch seconds."""
        return (np.asarray(ts) - (self.start_epoch - TZ_OFFSET_S)) // DAY_S

    def weekday(self, d: int) -> int:
        return (self.cfg.start.weekday() + d) % 7

    def volume_factor(self, d: int) -> float:
        return float(WEEKDAY_FACTOR[self.weekday(d)])

    # -- agents
    def _make_roster(self) -> Roster:
        cfg = self.cfg
        rng = self.rng(S_ROSTER)
        n_left = max(1, cfg.agents // 30)
        n = cfg.agents + n_left
        active = np.ones(n, dtype=bool)
        active[rng.choice(n, n_left, replace=False)] = False
        voice = rng.random(n) < 0.45
        per_team = 12
        n_voice_teams = max(2, int(np.ceil(voice.sum() / per_team)))
        n_chat_teams = max(2, int(np.ceil((~voice).sum() / per_team)))
        team = np.where(voice, rng.integers(0, n_voice_teams, n), n_voice_teams + rng.integers(0, n_chat_teams, n))
        team_names = [f"Voice {i + 1:02d}" for i in range(n_voice_teams)] + [f"Chat {i + 1:02d}" for i in range(n_chat_teams)]
        site = rng.choice(3, n, p=[0.6, 0.3, 0.1])
        shift = rng.choice(len(SHIFT_START_H), n, p=SHIFT_WEIGHTS)
        off = rng.integers(0, 7, n)
        for skill in (voice, ~voice):
            self._cover_every_shift(np.flatnonzero(skill & active), shift, off)
        hired_day = self.start_daynum - rng.integers(60, 2000, n)
        left_day = np.where(active, NULL, self.start_daynum - rng.integers(1, 50, n))
        first_updated = self.start_epoch - rng.integers(2 * DAY_S, 40 * DAY_S, n)
        names = np.char.add(np.char.add(rng.choice(FIRST, n), " "), rng.choice(LAST, n))
        return Roster(n, active, voice, team, site, shift, off, hired_day, left_day, first_updated, names, team_names)

    @staticmethod
    def _cover_every_shift(group: np.ndarray, shift: np.ndarray, off: np.ndarray) -> None:
        """Move agents of `group` from the fullest template until each template has MIN_PER_SHIFT
        (fewer in a small group), then stagger the weekly days off of each template's agents
        (offsets 0, 3, 6, ...: two agents of a template are never off on the same two days)."""
        templates = len(SHIFT_START_H)
        if len(group) < templates:
            return
        need = np.minimum(MIN_PER_SHIFT, len(group) // templates)
        for template in range(templates):
            while (shift[group] == template).sum() < need[template]:
                donor = int(np.argmax(np.bincount(shift[group], minlength=templates) - need))
                shift[group[shift[group] == donor][0]] = template
        for template in range(templates):
            members = group[shift[group] == template]
            off[members] = (np.arange(len(members)) * 3) % 7

    # -- customers
    def _make_customers(self) -> None:
        cfg = self.cfg
        rng = self.rng(S_CUSTOMERS)
        self.n_base_customers = max(500, cfg.agents * 600)
        self.new_customers_per_day = max(2, cfg.agents * 3)
        total = self.n_base_customers + self.new_customers_per_day * cfg.days
        self.n_customers_total = total
        self.cust_segment = np.where(rng.random(total) < 0.1, 0, 1)  # 0 vip, 1 regular
        self.cust_city = rng.integers(0, len(CITIES), total)
        idx = np.arange(1, total + 1, dtype=np.int64)
        tail = (idx * PHONE_MUL + 138_001_380) % 10**9
        self.cust_phone = 13 * 10**9 + tail  # 11-digit mobile numbers, unique per customer
        self.cust_first = rng.integers(0, len(FIRST), total)
        self.cust_last = rng.integers(0, len(LAST), total)
        created = np.empty(total, dtype=np.int64)
        created[: self.n_base_customers] = self.start_epoch - rng.integers(DAY_S, 900 * DAY_S, self.n_base_customers)
        # new customers: spread over each day (sorted so customer ids follow creation time)
        for_days = np.repeat(np.arange(cfg.days), self.new_customers_per_day)
        offs = np.sort(rng.integers(0, DAY_S, (cfg.days, self.new_customers_per_day)), axis=1).ravel()
        created[self.n_base_customers:] = self.day_start(0) + for_days * DAY_S + offs
        self.cust_created = created

    def customers_before(self, d: int) -> int:
        """How many customers exist at the start of reporting day d (ids 1..n)."""
        return self.n_base_customers + self.new_customers_per_day * max(0, d)

    def customer_phone(self, cust: np.ndarray) -> np.ndarray:
        return self.cust_phone[np.asarray(cust, dtype=np.int64) - 1]

    # -- shifts
    def shifts(self, d: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Shifts starting on reporting day d: (agent index, start, end, attends)."""
        if d in self._shift_cache:
            return self._shift_cache[d]  # type: ignore[return-value]
        r = self.roster
        rng = self.rng(S_SHIFTS, d)
        wd = (self.weekday(d) + r.off) % 7
        works = r.active & (wd < 5)
        agent = np.flatnonzero(works)
        jitter = rng.choice([-1800, 0, 0, 0, 1800], len(agent))
        start = self.day_start(d) + SHIFT_START_H[r.shift[agent]] * HOUR_S + jitter
        end = start + SHIFT_LEN_H[r.shift[agent]] * HOUR_S
        attends = rng.random(len(agent)) >= 0.03
        out = (agent, start, end, attends)
        if len(self._shift_cache) > 4:
            self._shift_cache.pop(min(self._shift_cache))
        self._shift_cache[d] = out
        return out

    def on_duty(self, d: int, voice: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Agents on duty per local hour of day d (on shift at the hour's middle, so that shifts starting
        or ending on the half hour hand over without a gap): (flat agent array, offsets[24], counts[24])."""
        lists = []
        for dd in (d - 1, d):
            a, s, e, att = self.shifts(dd)
            keep = att & (self.roster.voice[a] == voice)
            lists.append((a[keep], s[keep], e[keep]))
        a = np.concatenate([x[0] for x in lists])
        s = np.concatenate([x[1] for x in lists])
        e = np.concatenate([x[2] for x in lists])
        hs = self.day_start(d) + np.arange(24) * HOUR_S
        mid = hs[:, None] + HOUR_S // 2
        cover = (s[None, :] <= mid) & (e[None, :] >= mid)  # on duty at the middle of the hour [24, n]
        counts = cover.sum(axis=1)
        flat = np.concatenate([a[cover[h]] for h in range(24)]) if len(a) else np.zeros(0, dtype=np.int64)
        offsets = np.concatenate([[0], np.cumsum(counts)[:-1]])
        return flat.astype(np.int64), offsets, counts

    @staticmethod
    def pick_agent(duty: tuple[np.ndarray, np.ndarray, np.ndarray], hour: np.ndarray, u: np.ndarray) -> np.ndarray:
        """Agent index for each event at local `hour` (u uniform in [0,1)); -1 when nobody is on duty."""
        flat, offsets, counts = duty
        h = np.clip(hour, 0, 23)
        c = counts[h]
        pos = offsets[h] + np.minimum((u * c).astype(np.int64), np.maximum(c - 1, 0))
        return np.where(c > 0, flat[np.minimum(pos, max(len(flat) - 1, 0))] if len(flat) else -1, -1)

    # -- customers taking part in contacts
    def pick_customers(self, rng: np.random.Generator, n: int, d: int, recent: np.ndarray) -> np.ndarray:
        """Customer ids (1-based): some come back from the recent pool (repeat contacts)."""
        k = self.customers_before(d)
        cust = rng.integers(1, k + 1, n)
        if len(recent):
            back = rng.random(n) < 0.14
            cust[back] = recent[rng.integers(0, len(recent), int(back.sum()))]
        return cust.astype(np.int64)
