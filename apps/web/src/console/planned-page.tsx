/** A console area whose page arrives with its own work. */
export function PlannedPage(props: { title: string; issue: string }) {
  return (
    <section>
      <h1>{props.title}</h1>
      <p>This page arrives with {props.issue}. Its place in the console is kept.</p>
    </section>
  );
}
