import { formatBytes, formatTable } from '../text-table.js'
import type { InspectReport } from './inspect-report.js'

/** The default, human output of `vigil log inspect`: a partitions table and a group-lag table. */
export function renderInspectReport(dataDir: string, report: InspectReport): string {
  const out: string[] = [`Log at ${dataDir} (read-only view)`, '']

  if (report.topics.length === 0) out.push('No topics.\n')
  else {
    out.push(
      formatTable(
        [
          { header: 'TOPIC' },
          { header: 'PARTITION', align: 'right' },
          { header: 'LOG-START', align: 'right' },
          { header: 'HIGH-WATERMARK', align: 'right' },
          { header: 'LAST-STABLE', align: 'right' },
          { header: 'SIZE', align: 'right' },
          { header: 'SEGMENTS', align: 'right' },
        ],
        report.topics.flatMap((t) =>
          t.partitions.map((p) => [
            t.name,
            String(p.partition),
            String(p.logStartOffset),
            String(p.highWatermark),
            String(p.lastStableOffset),
            formatBytes(p.sizeBytes),
            String(p.segments),
          ]),
        ),
      ),
    )
  }

  if (report.groups.length === 0) out.push('No consumer groups.\n')
  else {
    const rows = report.groups.flatMap((g) => [
      ...g.partitions.map((p) => [
        g.group,
        p.topic,
        String(p.partition),
        String(p.committedOffset),
        p.highWatermark === null ? '-' : String(p.highWatermark),
        p.lag === null ? '(partition gone)' : String(p.lag),
      ]),
      [g.group, '(total)', '', '', '', String(g.totalLag)],
    ])
    out.push(
      formatTable(
        [
          { header: 'GROUP' },
          { header: 'TOPIC' },
          { header: 'PARTITION', align: 'right' },
          { header: 'COMMITTED', align: 'right' },
          { header: 'HIGH-WATERMARK', align: 'right' },
          { header: 'LAG', align: 'right' },
        ],
        rows,
      ),
    )
  }
  return out.join('\n')
}
