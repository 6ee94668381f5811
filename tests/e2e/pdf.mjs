// PDFs the journeys attach, and how they judge a drawn page: one writer and one pixel count for
// every journey that shows a PDF in the app.

/** A PDF whose pages are `streams` (content streams drawn with `/F1`, the standard `font`),
 * A4, with correct cross-reference offsets. */
export function textPdf(streams, font = 'Helvetica') {
  const objects = ['<< /Type /Catalog /Pages 2 0 R >>', null, `<< /Type /Font /Subtype /Type1 /BaseFont /${font} >>`]
  const kids = []
  for (const stream of streams) {
    objects.push(`<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`)
    objects.push(`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents ${objects.length} 0 R /Resources << /Font << /F1 3 0 R >> >> >>`)
    kids.push(`${objects.length} 0 R`)
  }
  objects[1] = `<< /Type /Pages /Kids [${kids.join(' ')}] /Count ${streams.length} >>`
  let pdf = '%PDF-1.4\n'
  const offsets = objects.map((body, i) => {
    const offset = pdf.length
    pdf += `${i + 1} 0 obj\n${body}\nendobj\n`
    return offset
  })
  const xref = pdf.length
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`
  pdf += offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`
  return pdf
}

/** A script for `app.execute`: how many dark pixels the canvas at `css` shows (0 when there is
 * none, or it has given its pixels back). */
export const darkPixels = (css) => `
  const c = document.querySelector(${JSON.stringify(css)})
  if (!c || !c.width) return 0
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data
  let dark = 0
  for (let i = 0; i < d.length; i += 4) if (d[i] < 128) dark++
  return dark`
