import type { RoomStatus } from "@/domain/worklist";

/** The one palette for visit states; every use carries its text label too, never colour alone. */
export const STATUS_CLASSES: Record<RoomStatus, string> = {
  todo: "bg-status-todo",
  done: "bg-status-done",
  revisit: "bg-status-revisit",
  returned: "bg-status-returned",
  conflict: "bg-status-conflict",
  approved: "bg-status-approved",
};

export function StatusChip({ status, label }: { status: RoomStatus; label: string }) {
  return (
    <span
      className={`inline-flex min-h-7 items-center rounded-full px-2.5 text-sm font-semibold text-white ${STATUS_CLASSES[status]}`}
      data-status={status}
    >
      {label}
    </span>
  );
}
