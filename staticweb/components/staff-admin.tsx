"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type SyntheticEvent, type ReactElement } from "react";
import { useApi } from "@/hooks/use-api";
import { useSession } from "@/hooks/use-session";
import { toFormErrors } from "@/hooks/use-versioned-form";
import { describeError } from "@/lib/api/problem";
import { roleValues, type Role, type Staff } from "@/lib/api/schemas";
import { roleLabel } from "@/lib/capabilities";
import { Require } from "./require";
import { Alert } from "./ui/alert";
import { Badge } from "./ui/badge";
import { Button } from "./ui/button";
import { Card } from "./ui/card";
import { SelectField, TextField } from "./ui/field";
import { Loading } from "./ui/loading";
import { Table, Td } from "./ui/table";

const roleOptions = roleValues.map((r) => ({ value: r, label: roleLabel(r) }));

function AddStaffForm(): ReactElement {
  const api = useApi();
  const qc = useQueryClient();
  const [email, setEmail] = useState("");
  const [displayName, setDisplayName] = useState("");
  const [role, setRole] = useState<Role>("frontdesk");
  const [errors, setErrors] = useState<Partial<Record<"email" | "role" | "displayName", string>>>({});
  const [message, setMessage] = useState<{ tone: "error" | "success"; text: string } | null>(null);
  const onSubmit = async (e: SyntheticEvent): Promise<void> => {
    e.preventDefault();
    setMessage(null);
    try {
      const added = await api.addStaff({ email: email.trim(), role, displayName: displayName.trim() });
      setEmail("");
      setDisplayName("");
      setErrors({});
      setMessage({ tone: "success", text: `${added.email} was added as ${roleLabel(added.role)}.` });
      await qc.invalidateQueries({ queryKey: ["staff"] });
    } catch (err) {
      setErrors(toFormErrors(err, (f) => (f === "email" || f === "role" || f === "displayName" ? f : null)));
      setMessage({ tone: "error", text: describeError(err) });
    }
  };
  return (
    <form noValidate onSubmit={(e) => void onSubmit(e)} className="grid items-end gap-4 sm:grid-cols-[2fr_2fr_1fr_auto]" aria-label="Add staff member">
      <TextField label="Email" type="email" value={email} error={errors.email} autoComplete="off" onChange={(e) => setEmail(e.target.value)} />
      <TextField label="Name" value={displayName} error={errors.displayName} autoComplete="off" onChange={(e) => setDisplayName(e.target.value)} />
      <SelectField label="Role" value={role} options={roleOptions} error={errors.role} onChange={(e) => setRole(e.target.value as Role)} />
      <Button type="submit" variant="primary">
        Add staff member
      </Button>
      {message ? (
        <div className="sm:col-span-4">
          <Alert tone={message.tone} title={message.tone === "error" ? "Not added" : "Added"}>
            {message.text}
          </Alert>
        </div>
      ) : null}
    </form>
  );
}

function StaffRow({ staff, self }: { staff: Staff; self: boolean }): ReactElement {
  const api = useApi();
  const qc = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const change = async (changes: { role?: Role; active?: boolean }): Promise<void> => {
    setError(null);
    try {
      await api.updateStaff(staff.id, changes);
      await qc.invalidateQueries({ queryKey: ["staff"] });
    } catch (err) {
      setError(describeError(err));
    }
  };
  return (
    <tr>
      <Td>
        <span className="font-medium">{staff.displayName ?? staff.email}</span>
        <span className="block text-xs text-slate-600">{staff.email}</span>
        {error ? <span role="alert" className="block text-sm text-red-800">{error}</span> : null}
      </Td>
      <Td>
        <label className="sr-only" htmlFor={`role-${staff.id}`}>
          Role of {staff.email}
        </label>
        <select
          id={`role-${staff.id}`}
          className="rounded-md border border-slate-400 bg-white px-2 py-1 text-sm"
          value={staff.role}
          disabled={self}
          onChange={(e) => void change({ role: e.target.value as Role })}
        >
          {roleOptions.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      </Td>
      <Td>{staff.active ? <Badge tone="good" label="Active" /> : <Badge tone="neutral" label="Disabled" />}</Td>
      <Td>{staff.boundAt ? "Signed in before" : "Not signed in yet"}</Td>
      <Td>
        {self ? (
          <span className="text-xs text-slate-600">You</span>
        ) : (
          <Button
            variant={staff.active ? "danger" : "secondary"}
            aria-label={`${staff.active ? "Disable" : "Enable"} ${staff.email}`}
            onClick={() => void change({ active: !staff.active })}
          >
            {staff.active ? "Disable" : "Enable"}
          </Button>
        )}
      </Td>
    </tr>
  );
}

/** Staff administration: add by email, change role, disable or enable. */
export function StaffAdmin(): ReactElement {
  return (
    <Require capability="staff">
      <StaffAdminInner />
    </Require>
  );
}

function StaffAdminInner(): ReactElement {
  const api = useApi();
  const { me } = useSession();
  const staff = useQuery({ queryKey: ["staff"], queryFn: () => api.listStaff() });
  return (
    <div className="space-y-6">
      <h1>Staff</h1>
      <Card title="Add a staff member">
        <AddStaffForm />
      </Card>
      <Card title="Staff members">
        {staff.isPending ? <Loading /> : null}
        {staff.isError ? <Alert tone="error" title="Could not load staff">{describeError(staff.error)}</Alert> : null}
        {staff.data ? (
          <Table caption="Staff members" head={["Name", "Role", "Status", "Sign-in", ""]}>
            {staff.data.map((s) => (
              <StaffRow key={s.id} staff={s} self={s.id === me.staffId} />
            ))}
          </Table>
        ) : null}
      </Card>
    </div>
  );
}
