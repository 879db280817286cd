"use client";

import { useQuery } from "@tanstack/react-query";
import { useState, type ReactElement } from "react";
import {
  Bar,
  BarChart,
  CartesianGrid,
  LabelList,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { useApi } from "@/hooks/use-api";
import { describeError } from "@/lib/api/problem";
import { granularityValues, type Granularity, type VisitTrends } from "@/lib/api/schemas";
import type { Sex } from "@/lib/api/schemas";
import { addDays, todayLocal } from "@/lib/dates";
import { sexLabels } from "@/lib/patient-format";
import { Require } from "./require";
import { Alert } from "./ui/alert";
import { Card } from "./ui/card";
import { SelectField, TextField } from "./ui/field";
import { Loading } from "./ui/loading";
import { Table, Td } from "./ui/table";

// The drawings are aria-hidden and kept out of the tab order (accessibilityLayer off): the
// table under each chart is the accessible form of the same numbers.
// Colours are a calm, colour-blind-safe pair, and never carry meaning alone: every series has
// its own line pattern and marker, bars carry value labels, and each chart has a data table.
const ink = "#0b6158";
const second = "#7c3aed";

/** One labelled count, as the bar charts and their tables show it. */
interface Count {
  label: string;
  count: number;
}

function CountBars({ title, data, unit }: { title: string; data: readonly Count[]; unit: string }): ReactElement {
  return (
    <figure>
      <figcaption className="mb-2 text-sm font-medium">{title}</figcaption>
      <div className="h-56" aria-hidden="true">
        <ResponsiveContainer width="100%" height="100%" initialDimension={{ width: 400, height: 224 }}>
          <BarChart accessibilityLayer={false} data={[...data]} margin={{ top: 20, right: 8, left: 0, bottom: 0 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
            <XAxis dataKey="label" tick={{ fill: "#334155", fontSize: 12 }} />
            <YAxis allowDecimals={false} tick={{ fill: "#334155", fontSize: 12 }} />
            <Bar dataKey="count" fill={ink} isAnimationActive={false}>
              <LabelList dataKey="count" position="top" fill="#0f172a" fontSize={12} />
            </Bar>
          </BarChart>
        </ResponsiveContainer>
      </div>
      <Table caption={title} head={["Group", unit]}>
        {data.map((d) => (
          <tr key={d.label}>
            <Td>{d.label}</Td>
            <Td className="tabular-nums">{d.count}</Td>
          </tr>
        ))}
      </Table>
    </figure>
  );
}

function sexName(s: string): string {
  return s in sexLabels ? sexLabels[s as Sex] : s;
}

function PatientStatsCard(): ReactElement {
  const api = useApi();
  const stats = useQuery({ queryKey: ["analytics", "patients"], queryFn: () => api.patientStats(), retry: false });
  if (stats.isPending) return <Loading label="Loading patient statistics…" />;
  if (stats.isError) return <Alert tone="error" title="Could not load statistics">{describeError(stats.error)}</Alert>;
  if (stats.data === null) return <Alert tone="info" title="Analytics is not available on this server yet" />;
  const s = stats.data;
  return (
    <Card title="Patients">
      <dl className="mb-6 grid grid-cols-2 gap-4 sm:grid-cols-4">
        <div>
          <dt className="text-xs uppercase text-slate-600">Total</dt>
          <dd className="text-2xl font-semibold tabular-nums">{s.total}</dd>
        </div>
        <div>
          <dt className="text-xs uppercase text-slate-600">Active (visit in 12 months)</dt>
          <dd className="text-2xl font-semibold tabular-nums">{s.active}</dd>
        </div>
        <div>
          <dt className="text-xs uppercase text-slate-600">Archived</dt>
          <dd className="text-2xl font-semibold tabular-nums">{s.archived}</dd>
        </div>
        <div>
          <dt className="text-xs uppercase text-slate-600">Ages as of</dt>
          <dd className="text-2xl font-semibold tabular-nums">{s.asOf}</dd>
        </div>
      </dl>
      <div className="grid gap-8 md:grid-cols-2">
        <CountBars title="Age bands" unit="Patients" data={s.ageBands.map((b) => ({ label: b.band, count: b.patients }))} />
        <CountBars title="Sex" unit="Patients" data={Object.entries(s.bySex).map(([label, count]) => ({ label: sexName(label), count }))} />
      </div>
    </Card>
  );
}

function TrendsChart({ trends }: { trends: VisitTrends }): ReactElement {
  const data = trends.points;
  return (
    <figure>
      <figcaption className="mb-2 text-sm font-medium">
        Visits per {trends.granularity} (solid line, filled dots) and {trends.movingAverageWindow}-period moving
        average (dashed line, hollow dots)
      </figcaption>
      <div className="h-72" aria-hidden="true">
        <ResponsiveContainer width="100%" height="100%" initialDimension={{ width: 800, height: 288 }}>
          <LineChart accessibilityLayer={false} data={data} margin={{ top: 10, right: 16, left: 0, bottom: 0 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
            <XAxis dataKey="period" tick={{ fill: "#334155", fontSize: 12 }} />
            <YAxis allowDecimals={false} tick={{ fill: "#334155", fontSize: 12 }} />
            <Tooltip />
            <Legend />
            <Line type="linear" dataKey="visits" name="Visits" stroke={ink} strokeWidth={2} dot={{ r: 3 }} isAnimationActive={false} />
            <Line
              type="linear"
              dataKey="movingAverage"
              name="Moving average"
              stroke={second}
              strokeWidth={2}
              strokeDasharray="6 4"
              dot={{ r: 3, strokeWidth: 2, fill: "#fff" }}
              isAnimationActive={false}
            />
          </LineChart>
        </ResponsiveContainer>
      </div>
      <div className="mt-4 h-64" aria-hidden="true">
        <ResponsiveContainer width="100%" height="100%" initialDimension={{ width: 800, height: 256 }}>
          <BarChart accessibilityLayer={false} data={data} margin={{ top: 10, right: 16, left: 0, bottom: 0 }}>
            <defs>
              <pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
                <rect width="6" height="6" fill="#ede9fe" />
                <line x1="0" y1="0" x2="0" y2="6" stroke={second} strokeWidth="3" />
              </pattern>
            </defs>
            <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
            <XAxis dataKey="period" tick={{ fill: "#334155", fontSize: 12 }} />
            <YAxis allowDecimals={false} tick={{ fill: "#334155", fontSize: 12 }} />
            <Tooltip />
            <Legend />
            <Bar dataKey="newPatients" name="New patients (solid)" stackId="p" fill={ink} isAnimationActive={false} />
            <Bar dataKey="returningPatients" name="Returning patients (hatched)" stackId="p" fill="url(#hatch)" stroke={second} isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </div>
      <Table caption="Visit trends" showCaption head={["Period", "Visits", "Moving average", "Unique patients", "New", "Returning"]}>
        {trends.points.map((p) => (
          <tr key={p.period}>
            <Td>{p.period}</Td>
            <Td className="tabular-nums">{p.visits}</Td>
            <Td className="tabular-nums">{p.movingAverage.toFixed(1)}</Td>
            <Td className="tabular-nums">{p.uniquePatients}</Td>
            <Td className="tabular-nums">{p.newPatients}</Td>
            <Td className="tabular-nums">{p.returningPatients}</Td>
          </tr>
        ))}
      </Table>
    </figure>
  );
}

function TrendsCard(): ReactElement {
  const api = useApi();
  const [to, setTo] = useState(() => todayLocal());
  const [from, setFrom] = useState(() => addDays(todayLocal(), -89));
  const [granularity, setGranularity] = useState<Granularity>("week");
  const trends = useQuery({
    queryKey: ["analytics", "visits", from, to, granularity],
    queryFn: () => api.visitTrends(from, to, granularity),
    enabled: from !== "" && to !== "" && from <= to,
    retry: false,
  });
  return (
    <Card title="Visit trends">
      <form className="mb-6 grid gap-4 sm:grid-cols-3" onSubmit={(e) => e.preventDefault()} aria-label="Visit trend range">
        <TextField label="From" type="date" value={from} max={to} onChange={(e) => setFrom(e.target.value)} />
        <TextField label="To" type="date" value={to} min={from} onChange={(e) => setTo(e.target.value)} />
        <SelectField
          label="Granularity"
          value={granularity}
          options={granularityValues.map((g) => ({ value: g, label: `${g.charAt(0).toUpperCase()}${g.slice(1)}` }))}
          onChange={(e) => setGranularity(e.target.value as Granularity)}
        />
      </form>
      {from > to ? <Alert tone="warning" title="The start date is after the end date" /> : null}
      {trends.isPending && from <= to ? <Loading label="Loading visit trends…" /> : null}
      {trends.isError ? <Alert tone="error" title="Could not load trends">{describeError(trends.error)}</Alert> : null}
      {trends.data === null ? <Alert tone="info" title="Visit trends are not available on this server yet" /> : null}
      {trends.data ? (
        <div className="space-y-8">
          <TrendsChart trends={trends.data} />
          {trends.data.rolledUpThrough ? (
            <p className="text-xs text-slate-600">
              Nightly figures through {trends.data.rolledUpThrough}; later days are computed live.
            </p>
          ) : null}
          {trends.data.topReasons.length > 0 ? (
            <CountBars
              title="Top visit reasons"
              unit="Visits"
              data={trends.data.topReasons.map((r) => ({ label: r.reason || r.code || "(none)", count: r.visits }))}
            />
          ) : null}
        </div>
      ) : null}
    </Card>
  );
}

/** The analytics screen: patient statistics and visit trends, readable without colour. */
export function AnalyticsView(): ReactElement {
  return (
    <Require capability="analytics">
      <div className="space-y-6">
        <h1>Analytics</h1>
        <PatientStatsCard />
        <TrendsCard />
      </div>
    </Require>
  );
}
