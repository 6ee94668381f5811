// Charts are drawn as SVG (issue 17: three canvas charts cost the ranking page ~20 MB more, with
// WebKit drawing canvases through its compositor). A chart exported as PNG is drawn once, at
// export, onto a canvas that lives only as long as the export.

/** A PNG of the SVG at `url` (`width` × `height` CSS pixels), `ratio` times as many pixels, on a
 * white background. */
export async function svgToPng(url: string, width: number, height: number, ratio = 2): Promise<Uint8Array> {
  const image = new Image()
  image.src = url
  await image.decode()
  const canvas = document.createElement('canvas')
  canvas.width = Math.round(width * ratio)
  canvas.height = Math.round(height * ratio)
  const context = canvas.getContext('2d')
  if (!context) throw new Error('no 2D canvas')
  context.fillStyle = '#fff'
  context.fillRect(0, 0, canvas.width, canvas.height)
  context.drawImage(image, 0, 0, canvas.width, canvas.height)
  const blob = await new Promise<Blob>((resolve, reject) =>
    canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the chart could not be drawn as PNG'))), 'image/png'),
  )
  // Let the pixels go now rather than when the collector comes by.
  canvas.width = canvas.height = 0
  return new Uint8Array(await blob.arrayBuffer())
}
