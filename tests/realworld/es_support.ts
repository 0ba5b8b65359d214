/**
 * An `es_notifications` source for the Elasticsearch real-world cases.
 *
 * @module
 */
import { silentLogger } from "../../config/log.ts";
import type { NotificationSource } from "../../engine/core/ports.ts";
import type { Store } from "../../engine/core/store_ports.ts";
import esNotifications from "../../plugins/es_notifications.ts";

/** The plugin as configured by an operator: hosts, index and optional client options. */
export async function notificationsFrom(
  url: string,
  options: { index: string; kwargs?: Record<string, unknown> },
): Promise<NotificationSource & { close(): Promise<void> }> {
  return await esNotifications.create(
    esNotifications.schema.parse({
      ELASTICSEARCH_HOSTS: [url],
      ELASTICSEARCH_INDEX: options.index,
      ...(options.kwargs ? { ELASTICSEARCH_KWARGS: options.kwargs } : {}),
    }),
    {
      name: "es_notifications",
      timeoutMs: 5000,
      log: silentLogger,
      store: {} as Store,
      now: () => new Date("2026-11-30T09:00:00Z"),
      demo: false,
    },
  ) as NotificationSource & { close(): Promise<void> };
}
