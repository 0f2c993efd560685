import { useState, type DragEvent } from "react";
import { Field } from "~/components/upload/fields";

/**
 * The C3D file input. Without JavaScript it is a plain file input; with it, a file can also be
 * dropped on the zone (the dropped file is put into the same input, so the form posts it as usual).
 */
export function FileDrop({ error, maxUploadMb }: { error?: string; maxUploadMb: number }) {
  const [dragging, setDragging] = useState(false);
  const [chosen, setChosen] = useState<string | null>(null);

  function onDrop(event: DragEvent<HTMLDivElement>) {
    event.preventDefault();
    setDragging(false);
    const input = event.currentTarget.querySelector<HTMLInputElement>("input[type=file]");
    const files = event.dataTransfer.files;
    if (!input || files.length === 0) return;
    input.files = files;
    setChosen(files[0].name);
  }

  return (
    <div
      className={`drop-zone${dragging ? " dragging" : ""}`}
      onDragOver={(e) => {
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={onDrop}
      data-testid="drop-zone"
    >
      <Field
        name="file"
        label="C3D file"
        hint={`A GHOSTLY game recording (.c3d), at most ${maxUploadMb} MB. Choose it or drop it here.`}
        error={error}
      >
        {(props) => (
          <input {...props} type="file" accept=".c3d,.C3D" required onChange={(e) => setChosen(e.currentTarget.files?.[0]?.name ?? null)} />
        )}
      </Field>
      {chosen ? <p className="chosen">Selected: {chosen}</p> : null}
    </div>
  );
}
