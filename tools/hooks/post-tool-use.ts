// PLACEHOLDER: replaced by the telemetry hook issue.
export async function runPostToolUseHook(): Promise<void> {}
