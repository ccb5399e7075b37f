// A column's name, shared by the comparison's host, its webview (no Node modules here) and its CSV.

export function columnTitle(column: { readonly prompt: string; readonly provider: string }): string {
  return `${column.prompt} × ${column.provider}`;
}
