// The WasabiCard list answers: `{total, records}` pages and the startTime/endTime window filter.
export function paged<T>(rows: T[], pageNum: number, pageSize: number, view: (row: T) => unknown) {
  return {
    total: rows.length,
    records: rows.slice((pageNum - 1) * pageSize, pageNum * pageSize).map(view),
  };
}

export function inWindow(time: number, q: { startTime?: number; endTime?: number }): boolean {
  return (q.startTime === undefined || time >= q.startTime) && (q.endTime === undefined || time <= q.endTime);
}
