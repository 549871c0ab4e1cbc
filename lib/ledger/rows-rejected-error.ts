// Thrown by an interaction sink when the database refused the rows themselves (a value it cannot store),
// as opposed to being unreachable: retrying the same rows would fail forever.
export class RowsRejectedError extends Error {
  override name = 'RowsRejectedError';
}
