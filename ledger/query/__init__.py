"""Read-side questions over the store: which snapshots to compare, histories, summaries, the event stream."""
