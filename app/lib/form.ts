/**
 * The text of a form field: "" when the field is missing or carries a file. `String(form.get(name))`
 * would turn an uploaded file into the text "[object File]" and let it pass as, say, a password.
 */
export function formText(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value : "";
}
