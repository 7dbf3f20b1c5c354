/** Test-only: an OTLP/HTTP JSON body with one `queue_depth` gauge of `service`, points as [ms, value]. */
export function otlpGauge(service: string, points: readonly (readonly [number, number])[]): string {
  return JSON.stringify({
    resourceMetrics: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
        scopeMetrics: [
          {
            metrics: [
              {
                name: 'queue_depth',
                gauge: {
                  dataPoints: points.map(([t, v]) => ({ timeUnixNano: `${t}000000`, asDouble: v })),
                },
              },
            ],
          },
        ],
      },
    ],
  })
}
