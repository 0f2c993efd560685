import type { MetaFunction } from "@remix-run/node";
import { Link } from "@remix-run/react";

export const meta: MetaFunction = () => [{ title: "GHOSTLY+ EMG — start" }];

export default function Index() {
  return (
    <section>
      <h1>GHOSTLY+ EMG sessions</h1>
      <p>Upload the C3D file of a game session to see its contractions, MVC-based scores and exports.</p>
      <ul>
        <li>
          <Link to="/sessions">Review sessions</Link>
        </li>
        <li>
          <Link to="/sessions/new">Upload a session</Link>
        </li>
        <li>
          <Link to="/analyze">Quick analysis without storing</Link>
        </li>
      </ul>
    </section>
  );
}
