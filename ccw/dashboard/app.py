"""The contact-centre dashboard (Streamlit): `ccw dashboard` serves it.

Pages: Today, Trends, Structure, Agents, Queues, Satisfaction. Every figure
comes from the published warehouse's marts, read-only (ccw.dashboard.data);
every KPI is the catalogue's formula over summed numerators and
denominators. Page widgets take their first value from the URL's query
parameters (e.g. /trends?kpi=fcr_rate&grain=week&team=alpha), so a view can
be bookmarked and shared.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import altair as alt
import pandas as pd
import streamlit as st

from ccw.dashboard import data
from ccw.warehouse import catalogue

WAREHOUSE = Path(os.environ.get("CCW_WAREHOUSE", "warehouse/contact_center.duckdb"))


@st.cache_data(show_spinner=False, max_entries=512)
def _cached(path: str, version: tuple, sql: str, params: tuple) -> pd.DataFrame:
    return data.read(Path(path), sql, list(params))


def q(sql: str, params: list | None = None) -> pd.DataFrame:
    """A query on the current warehouse file, cached per file version."""
    return _cached(str(WAREHOUSE), data.file_version(WAREHOUSE), sql, tuple(params or []))


def arg(name: str, default: str | None = None) -> str | None:
    return st.query_params.get(name, default)


def download(df: pd.DataFrame, name: str) -> None:
    st.download_button(f"Download {name} (CSV)", df.to_csv(index=False).encode(), file_name=f"{name}.csv",
                       mime="text/csv", key=f"dl-{name}")


def fmt(kpi, value) -> str:
    if value is None or pd.isna(value):
        return "–"
    if kpi.unit == "ratio":
        return f"{100 * value:.1f}%"
    if kpi.unit == "seconds":
        return f"{value:.0f} s"
    return f"{value:.2f}"


# -- filters -------------------------------------------------------------------

def filters(use_channel: bool = False) -> data.Filters:
    bounds = q("select min(activity_date) as lo, max(activity_date) as hi from marts.fct_team_daily")
    lo, hi = bounds.lo[0], bounds.hi[0]
    if pd.isna(lo):
        st.warning("The warehouse has no agent-day rows yet: build it with `ccw build`.")
        st.stop()
    lo, hi = pd.Timestamp(lo).date(), pd.Timestamp(hi).date()
    start_default = max(lo, hi - dt.timedelta(days=27))
    start = dt.date.fromisoformat(arg("start", start_default.isoformat()))
    end = dt.date.fromisoformat(arg("end", hi.isoformat()))
    picked = st.sidebar.date_input("Date range", (start, end), min_value=lo, max_value=hi, key="dates")
    if isinstance(picked, tuple) and len(picked) == 2:
        start, end = picked
    teams = ["(all teams)", *q("select distinct team from marts.fct_team_daily order by 1").team.tolist()]
    team = st.sidebar.selectbox("Team", teams, index=teams.index(arg("team")) if arg("team") in teams else 0,
                                key="team")
    channel = None
    if use_channel:
        channels = ["(all channels)", *q("select distinct channel from marts.fct_contacts order by 1").channel.tolist()]
        channel = st.sidebar.selectbox("Channel", channels,
                                       index=channels.index(arg("channel")) if arg("channel") in channels else 0,
                                       key="channel")
        channel = None if channel.startswith("(") else channel
    return data.Filters(start.isoformat(), end.isoformat(), None if team.startswith("(") else team, channel)


def targets() -> pd.DataFrame:
    return q("select metric, scope, direction, threshold, severity from marts.kpi_targets")


def target_for(kpi_name: str, scopes=("team", "agent")) -> tuple[float | None, str | None]:
    t = targets()
    for scope in scopes:
        row = t[(t.metric == kpi_name) & (t.scope == scope)]
        if len(row):
            return float(row.threshold.iloc[0]), row.direction.iloc[0]
    return None, None


# -- pages ---------------------------------------------------------------------

CARD_KPIS = ["fcr_rate", "csat_avg", "nps", "aht_s", "avg_first_response_s", "reply_rate", "adherence_rate",
             "occupancy_rate"]


def page_today() -> None:
    st.title("Today / this week")
    f = filters()
    span = st.radio("Period", ["day", "week"], horizontal=True, key="span",
                    index=["day", "week"].index(arg("span", "week")))
    days = 1 if span == "day" else 7
    end = dt.date.fromisoformat(f.end)
    cur = (end - dt.timedelta(days=days - 1), end)
    prev = (cur[0] - dt.timedelta(days=days), cur[0] - dt.timedelta(days=1))
    st.caption(f"{cur[0]} to {cur[1]}, compared with {prev[0]} to {prev[1]}" + (f"; team {f.team}" if f.team else ""))
    kpis = [data.CATALOGUE.kpi(n) for n in CARD_KPIS]
    select = ", ".join(f"{k.summed_sql} as {k.name}" for k in kpis)
    nums = ", ".join(f"sum({k.numerator.sql}) as {k.name}__num, sum({k.denominator.sql}) as {k.name}__den" for k in kpis)
    team_sql, team_params = ("and team = ?", [f.team]) if f.team else ("", [])
    sql = (f"select {select}, {nums} from marts.fct_team_daily "
           f"where activity_date between cast(? as date) and cast(? as date) {team_sql}")
    now = q(sql, [cur[0].isoformat(), cur[1].isoformat(), *team_params])
    before = q(sql, [prev[0].isoformat(), prev[1].isoformat(), *team_params])
    rows = []
    cols = st.columns(4)
    for i, k in enumerate(kpis):
        value, old = now[k.name][0], before[k.name][0]
        target, direction = target_for(k.name)
        delta = None if pd.isna(value) or pd.isna(old) else value - old
        met = None if target is None or pd.isna(value) else (value >= target if direction == "min" else value <= target)
        with cols[i % 4]:
            st.metric(k.label, fmt(k, value),
                      None if delta is None else (f"{100 * delta:+.1f} pts" if k.unit == "ratio" else f"{delta:+.2f}"),
                      delta_color="normal" if k.better == "higher" else "inverse")
            if target is not None:
                verdict = "–" if met is None else ("met" if met else "missed")
                st.caption(f"target {'≥' if direction == 'min' else '≤'} {target:g}: {verdict}")
        rows.append({"kpi": k.name, "value": None if pd.isna(value) else round(float(value), 6),
                     "numerator": float(now[f"{k.name}__num"][0] or 0), "denominator": float(now[f"{k.name}__den"][0] or 0),
                     "previous": None if pd.isna(old) else round(float(old), 6), "target": target})
    figures = pd.DataFrame(rows)
    st.subheader("KPI figures")
    st.table(figures)
    download(figures, "kpi_figures")

    st.subheader("Alerts that fired")
    alerts = q(
        "select activity_date, scope, scope_id, metric, severity, actual_value, threshold, direction, volume, "
        "gap_to_threshold from marts.fct_kpi_alerts where activity_date between cast(? as date) and cast(? as date) "
        "order by case severity when 'critical' then 0 else 1 end, abs(gap_to_threshold) / nullif(abs(threshold), 0) desc",
        [cur[0].isoformat(), cur[1].isoformat()],
    )
    if f.team:
        members = q("select distinct agent_id from marts.fct_agent_daily where team = ?", [f.team]).agent_id.tolist()
        alerts = alerts[((alerts.scope == "team") & (alerts.scope_id == f.team))
                        | ((alerts.scope == "agent") & alerts.scope_id.isin(members)) | (alerts.scope == "queue")]
    st.caption(f"{len(alerts)} alerts, worst first (critical, then the largest gap to the target)")
    if len(alerts):
        per_day = alerts.groupby(["activity_date", "severity"]).size().reset_index(name="alerts")
        st.altair_chart(alt.Chart(per_day).mark_bar().encode(
            x=alt.X("activity_date:T", title="day"), y="alerts:Q",
            color=alt.Color("severity:N", scale=alt.Scale(domain=["critical", "warning"], range=["#c0392b", "#e6a23c"]))),
            width="stretch")
    st.dataframe(alerts, hide_index=True, width="stretch")
    download(alerts, "alerts")


def page_trends() -> None:
    st.title("Trends")
    f = filters()
    options = data.kpi_by_label()
    labels = list(options)
    wanted = arg("kpi", "fcr_rate")
    index = next((i for i, label in enumerate(labels) if options[label].name == wanted), 0)
    kpi = options[st.selectbox("KPI", labels, index=index, key="kpi")]
    grain = st.radio("Grain", ["day", "week", "month"], horizontal=True, key="grain",
                     index=["day", "week", "month"].index(arg("grain", "day")))
    where, params = f.agent_where()
    series = q(
        f"select {catalogue.PERIOD_SQL[grain]} as period, sum({kpi.numerator.sql}) as numerator, "
        f"sum({kpi.denominator.sql}) as denominator, {kpi.summed_sql} as value, bool_and(is_final) as final "
        f"from marts.fct_team_daily where {where} group by 1 order by 1",
        params,
    )
    target, _ = target_for(kpi.name)
    st.caption(f"{kpi.definition} " + (f"Team {f.team}." if f.team else "Whole centre.")
               + " Hollow points: periods not final yet (a window such as FCR's is still open).")
    line = alt.Chart(series).mark_line(point=alt.OverlayMarkDef(filled=False, size=40)).encode(
        x=alt.X("period:T", title=grain), y=alt.Y("value:Q", title=kpi.label),
        tooltip=["period:T", "value:Q", "final:N"])
    line = line + alt.Chart(series[series.final]).mark_point(filled=True, size=40).encode(x="period:T", y="value:Q")
    chart = line
    if target is not None:
        chart = line + alt.Chart(pd.DataFrame({"target": [target]})).mark_rule(strokeDash=[6, 4], color="red").encode(
            y="target:Q")
    st.altair_chart(chart, width="stretch")
    st.table(series.assign(period=series.period.astype(str)))
    download(series, f"trend_{kpi.name}_{grain}")

    st.subheader("Before / after a change")
    change = st.date_input("Change date", dt.date.fromisoformat(arg("change", f.start)), key="change")
    window = st.slider("Days on each side", 1, 28, int(arg("window", "7")), key="window")
    team_sql, team_params = ("and team = ?", [f.team]) if f.team else ("", [])
    ba = q(
        f"select case when activity_date < cast(? as date) then 'before' else 'after' end as side, "
        f"{kpi.summed_sql} as value, sum({kpi.denominator.sql}) as denominator from marts.fct_team_daily "
        f"where activity_date between cast(? as date) - {window} and cast(? as date) + {window - 1} {team_sql} "
        "group by 1 order by 1 desc",
        [change.isoformat(), change.isoformat(), change.isoformat(), *team_params],
    )
    st.table(ba)
    download(ba, f"before_after_{kpi.name}")


def _slice(dimension: str, label: str, f: data.Filters) -> None:
    where, params = f.contact_where("c")
    df = q(
        f"select {dimension} as slice, count(*) as contacts, count(*) filter (where c.is_handled) as handled, "
        "count(*) filter (where c.is_handled and c.customer_id is not null and c.is_fcr) * 1.0 "
        "  / nullif(count(*) filter (where c.is_handled and c.customer_id is not null), 0) as fcr_rate, "
        "avg(c.csat_score) as csat_avg, "
        "sum(c.handle_s) filter (where c.is_handled) / nullif(count(*) filter (where c.is_handled), 0) as aht_s "
        f"from marts.fct_contacts as c left join marts.fct_tickets as t on c.ticket_id = t.ticket_id "
        f"where {where} group by 1 order by 2 desc",
        params,
    )
    df["share"] = df.contacts / df.contacts.sum() if len(df) else []
    st.subheader(label)
    left, right = st.columns([1, 2])
    with left:
        st.altair_chart(alt.Chart(df).mark_arc().encode(theta="contacts:Q", color=alt.Color("slice:N", title=label),
                                                        tooltip=["slice", "contacts", "share"]), width="stretch")
    with right:
        st.altair_chart(alt.Chart(df).mark_bar().encode(x=alt.X("slice:N", title=label), y="fcr_rate:Q",
                                                        tooltip=["slice", "fcr_rate", "csat_avg", "aht_s"]),
                        width="stretch")
    st.table(df)
    download(df, f"structure_{label.lower().replace(' ', '_')}")


def page_structure() -> None:
    st.title("Structure")
    f = filters(use_channel=True)
    st.caption("Contacts (calls and chats) started in the range, each slice with its share and its performance: "
               "FCR over handled contacts with a known customer, the average CSAT score of its surveys, and "
               "handle seconds per handled contact (a contact's whole handle time, all legs).")
    _slice("c.channel", "Channel", f)
    _slice("coalesce(t.category, '(no ticket)')", "Journey stage", f)
    _slice("coalesce(t.priority, '(no ticket)')", "Ticket priority", f)


LEAGUE = ["fcr_rate", "csat_avg", "aht_s", "avg_first_response_s", "adherence_rate", "attendance_rate"]


def page_agents() -> None:
    st.title("Agents")
    f = filters()
    where, params = f.agent_where()
    kpis = [data.CATALOGUE.kpi(n) for n in LEAGUE]
    league = q(
        "select agent_id, max_by(team, activity_date) as team, sum(contacts_owned) as contacts_owned, "
        + ", ".join(f"{k.summed_sql} as {k.name}" for k in kpis)
        + f" from marts.fct_agent_daily where {where} group by agent_id order by fcr_rate desc nulls last",
        params,
    )
    st.subheader("League table")
    st.dataframe(league, hide_index=True, width="stretch")
    download(league, "league_table")
    medians = league.groupby("team")[[k.name for k in kpis]].median().reset_index()
    st.subheader("Team medians (of the agents' values)")
    st.table(medians)
    download(medians, "team_medians")

    st.subheader("One agent against the team")
    agents = league.agent_id.tolist()
    if agents:
        agent = st.selectbox("Agent", agents, index=agents.index(arg("agent")) if arg("agent") in agents else 0,
                             key="agent")
        kpi = data.CATALOGUE.kpi(st.selectbox("KPI", LEAGUE, key="agent_kpi"))
        mine = q(f"select activity_date, team, {kpi.sql} as value from marts.fct_agent_daily "
                 f"where agent_id = ? and activity_date between cast(? as date) and cast(? as date) order by 1",
                 [agent, f.start, f.end])
        team_days = q(
            f"select activity_date, {kpi.sql} as value from marts.fct_team_daily "
            "where (team, activity_date) in (select team, activity_date from marts.fct_agent_daily where agent_id = ?) "
            "and activity_date between cast(? as date) and cast(? as date) order by 1",
            [agent, f.start, f.end])
        both = pd.concat([mine.assign(who=agent)[["activity_date", "value", "who"]],
                          team_days.assign(who="team")[["activity_date", "value", "who"]]])
        st.altair_chart(alt.Chart(both).mark_line(point=True).encode(
            x="activity_date:T", y=alt.Y("value:Q", title=kpi.label), color="who:N"), width="stretch")
        download(both, f"agent_{agent}_{kpi.name}")

    st.subheader("Monthly scorecard (weighted)")
    month = q("select max(month) as m from marts.fct_agent_scorecard_monthly").m[0]
    card = q("select agent_id, team, month, kpi, value, threshold, score, weight, weighted_score, total_score "
             "from marts.fct_agent_scorecard_monthly where month = ? " + ("and team = ? " if f.team else "")
             + "order by total_score desc nulls last, agent_id, kpi", [month, *([f.team] if f.team else [])])
    wide = card.pivot_table(index=["agent_id", "team", "total_score"], columns="kpi", values="score").reset_index()
    st.caption(f"Month {pd.Timestamp(month).date() if not pd.isna(month) else '–'}: each KPI scored 0-100 against "
               "its agent target, weighted by seeds/kpi_scorecard_weights.csv (see the mart's docs).")
    st.dataframe(wide.sort_values("total_score", ascending=False), hide_index=True, width="stretch")
    download(card, "scorecard")


def page_queues() -> None:
    st.title("Queues")
    f = filters()
    daily = q(
        "select activity_date, queue, offered, answered, abandoned, short_abandons, answered_within_sl, "
        "service_level, abandonment_rate, asa_s from marts.fct_queue_daily "
        "where activity_date between cast(? as date) and cast(? as date) order by 1, 2",
        [f.start, f.end],
    )
    kpis = data.queue_kpis()
    centre = q(
        "select activity_date, " + ", ".join(f"{k.summed_sql} as {k.name}" for k in kpis)
        + " from marts.fct_queue_daily where activity_date between cast(? as date) and cast(? as date) "
        "group by 1 order by 1", [f.start, f.end])
    for k in kpis:
        target, _ = target_for(k.name, scopes=("queue",))
        chart = alt.Chart(centre).mark_line(point=True).encode(x="activity_date:T", y=alt.Y(f"{k.name}:Q", title=k.label))
        if target is not None:
            chart = chart + alt.Chart(pd.DataFrame({"t": [target]})).mark_rule(strokeDash=[6, 4], color="red").encode(y="t:Q")
        st.subheader(k.label)
        st.altair_chart(chart, width="stretch")
    download(daily, "queue_daily")
    st.subheader("Calls by hour of day (reporting time zone)")
    heat = q(
        "select dayname(started_at_local) as weekday, hour(started_at_local) as hour, count(*) as offered, "
        "avg(wait_s) as avg_wait_s from marts.fct_contacts where contact_type = 'call' "
        "and activity_date between cast(? as date) and cast(? as date) group by 1, 2",
        [f.start, f.end],
    )
    st.altair_chart(alt.Chart(heat).mark_rect().encode(
        x="hour:O", y=alt.Y("weekday:N", sort=["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
                                               "Sunday"]),
        color=alt.Color("offered:Q", title="calls"), tooltip=["weekday", "hour", "offered", "avg_wait_s"]),
        width="stretch")
    download(heat, "calls_by_hour")

    st.subheader("Intraday staffing: agents needed (Erlang C) and agents working")
    days = q("select max(activity_date) as d from marts.fct_centre_interval "
             "where activity_date between cast(? as date) and cast(? as date)", [f.start, f.end]).d
    last_day = None if days.empty or pd.isna(days[0]) else pd.Timestamp(days[0]).date()
    day = st.date_input("Day", value=pd.Timestamp(arg("day") or last_day or f.end).date(), key="staffing_day")
    staffing = q(
        "select interval_start_local, offered, service_level, agents_required, avg_agents_productive, "
        "avg_agents_logged_in, erlang_service_level from marts.fct_centre_interval "
        "where activity_date = cast(? as date) order by interval_start_utc", [str(day)])
    if staffing.empty:
        st.info("No interval data for that day.")
    else:
        long = staffing.melt(id_vars=["interval_start_local"], value_vars=["agents_required", "avg_agents_productive"],
                             var_name="series", value_name="agents")
        st.altair_chart(alt.Chart(long).mark_line(interpolate="step-after").encode(
            x=alt.X("interval_start_local:T", title="interval (reporting time zone)"), y="agents:Q",
            color=alt.Color("series:N", title=None), tooltip=["interval_start_local:T", "series", "agents"]),
            width="stretch")
        st.caption("agents_required: the fewest agents Erlang C says meet the service-level target for the "
                   "interval's offered calls and AHT; avg_agents_productive: agents available, on a contact or in "
                   "after-contact work, on average over the interval (see fct_centre_interval).")
        download(staffing, "centre_interval")

    st.subheader("Ticket backlog at the end of each day, by age")
    backlog = q(
        "select activity_date, sum(open_lt_1d) as \"< 1 day\", sum(open_1_3d) as \"1-3 days\", "
        "sum(open_3_7d) as \"3-7 days\", sum(open_gt_7d) as \"> 7 days\", sum(created) as created, "
        "sum(solved) as solved from marts.fct_ticket_backlog_daily "
        "where activity_date between cast(? as date) and cast(? as date)"
        + (" and team = ?" if f.team else "") + " group by 1 order by 1",
        [f.start, f.end, *([f.team] if f.team else [])])
    ages = backlog.melt(id_vars=["activity_date"], value_vars=["< 1 day", "1-3 days", "3-7 days", "> 7 days"],
                        var_name="age", value_name="open tickets")
    st.altair_chart(alt.Chart(ages).mark_area().encode(
        x="activity_date:T", y=alt.Y("open tickets:Q", stack=True),
        color=alt.Color("age:N", sort=["< 1 day", "1-3 days", "3-7 days", "> 7 days"])), width="stretch")
    download(backlog, "ticket_backlog")


def page_satisfaction() -> None:
    st.title("Satisfaction")
    f = filters(use_channel=True)
    where, params = f.contact_where("c")
    dist = q(
        "select s.survey, s.score, count(*) as responses from marts.fct_survey_responses as s "
        "inner join marts.fct_contacts as c on s.contact_id = c.contact_id "
        f"where {where} group by 1, 2 order by 1, 2",
        params,
    )
    for survey in ("csat", "nps"):
        part = dist[dist.survey == survey]
        st.subheader(f"{survey.upper()} distribution")
        st.altair_chart(alt.Chart(part).mark_bar().encode(x="score:O", y="responses:Q"), width="stretch")
        download(part, f"{survey}_distribution")
    pairs = q(
        "select c.contact_type, c.csat_score, coalesce(c.first_response_s, c.wait_s) as response_s "
        f"from marts.fct_contacts as c where {where} and c.csat_score is not null "
        "and coalesce(c.first_response_s, c.wait_s) is not null",
        params,
    )
    corr = q(
        "select c.contact_type, corr(c.csat_score, coalesce(c.first_response_s, c.wait_s)) as r, count(*) as n "
        f"from marts.fct_contacts as c where {where} and c.csat_score is not null "
        "and coalesce(c.first_response_s, c.wait_s) is not null group by 1 order by 1",
        params,
    )
    st.subheader("CSAT against first response (chats) and wait (calls)")
    st.table(corr)
    sample = pairs.sample(min(len(pairs), 5000), random_state=1) if len(pairs) else pairs
    st.altair_chart(alt.Chart(sample).mark_circle(opacity=0.3).encode(
        x=alt.X("response_s:Q", title="first response / wait (s)"), y=alt.Y("csat_score:Q", title="CSAT"),
        color="contact_type:N"), width="stretch")
    download(pairs, "csat_vs_response")


PAGES = [
    st.Page(page_today, title="Today / this week", url_path="today", default=True),
    st.Page(page_trends, title="Trends", url_path="trends"),
    st.Page(page_structure, title="Structure", url_path="structure"),
    st.Page(page_agents, title="Agents", url_path="agents"),
    st.Page(page_queues, title="Queues", url_path="queues"),
    st.Page(page_satisfaction, title="Satisfaction", url_path="satisfaction"),
]


def main() -> None:
    st.set_page_config(page_title="Contact-centre KPIs", layout="wide")
    if not WAREHOUSE.exists():
        st.error(f"No warehouse at {WAREHOUSE}: build it with `ccw build`.")
        st.stop()
    st.navigation(PAGES).run()


main()
