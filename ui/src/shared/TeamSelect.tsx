/** The one "Choose a team…" select: the rule editors and the scenario builder pick a team with it. */
export interface TeamOption {
  id: string;
  name: string;
}

export function TeamSelect({
  value,
  teams,
  onChange,
  testId,
  id,
  className,
  children,
}: {
  value: string;
  teams: readonly TeamOption[];
  onChange: (teamId: string) => void;
  testId: string;
  id?: string;
  className?: string;
  /** Options after the teams (e.g. "New team…"). */
  children?: React.ReactNode;
}) {
  return (
    <select
      className={className}
      value={value}
      onChange={(e) => onChange(e.target.value)}
      id={id}
      data-testid={testId}
    >
      <option value="" disabled>
        Choose a team…
      </option>
      {teams.map((t) => (
        <option key={t.id} value={t.id}>
          {t.name}
        </option>
      ))}
      {children}
    </select>
  );
}
