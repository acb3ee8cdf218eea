//! `travel_time_<target>.tif`: a travel-time surface
//! ([`crate::analysis::surface`]) as a GeoTIFF: one band of float32
//! walking minutes, `NaN` (GDAL nodata "nan") beyond the limit, in
//! uncompressed strips (4 bytes a cell: tiff 0.11.3's compressed float32
//! strips do not decode in GDAL 3).
//!
//! The surface's grid is square in the study's local equirectangular
//! projection, which is linear in longitude and in latitude separately, so
//! it is exactly a regular grid in degrees: the file is georeferenced in
//! EPSG:4326 (ModelPixelScale, a ModelTiepoint at the north-west corner and
//! a GeoKeyDirectory: geographic model, pixel is area, WGS 84) and GDAL and
//! QGIS place it without resampling. Rows go from north to south.

use std::io::{self, Cursor, Write};

use tiff::encoder::TiffEncoder;
use tiff::encoder::colortype::Gray32Float;
use tiff::tags::Tag;

use crate::analysis::surface::Surface;

/// Rows per strip.
const STRIP_ROWS: u32 = 64;

/// Write `surface` as a GeoTIFF.
pub(crate) fn write_surface(w: &mut dyn Write, surface: &Surface) -> io::Result<()> {
    let bytes = encode(surface).map_err(io::Error::other)?;
    w.write_all(&bytes)
}

/// Degrees per cell (x, y) and the north-west corner (lon, lat).
pub(crate) fn georeference(s: &Surface) -> ([f64; 2], [f64; 2]) {
    let g = &s.grid;
    let sw = s.proj.unproject(g.origin);
    let ne = s.proj.unproject([
        g.origin[0] + g.width as f64 * g.cell_m,
        g.origin[1] + g.height as f64 * g.cell_m,
    ]);
    (
        [
            (ne[0] - sw[0]) / g.width as f64,
            (ne[1] - sw[1]) / g.height as f64,
        ],
        [sw[0], ne[1]],
    )
}

fn encode(s: &Surface) -> tiff::TiffResult<Vec<u8>> {
    let mut buf = Cursor::new(Vec::new());
    let mut enc = TiffEncoder::new(&mut buf)?;
    let (w, h) = (s.grid.width as u32, s.grid.height as u32);
    let mut img = enc.new_image::<Gray32Float>(w, h)?;
    let (scale, nw) = georeference(s);
    img.encoder()
        .write_tag(Tag::ModelPixelScaleTag, &[scale[0], scale[1], 0.0][..])?;
    img.encoder().write_tag(
        Tag::ModelTiepointTag,
        &[0.0, 0.0, 0.0, nw[0], nw[1], 0.0][..],
    )?;
    // Version 1.1.0, 3 keys: GTModelType = geographic, GTRasterType =
    // pixel is area, GeographicType = EPSG:4326.
    let keys: [u16; 16] = [1, 1, 0, 3, 1024, 0, 1, 2, 1025, 0, 1, 1, 2048, 0, 1, 4326];
    img.encoder()
        .write_tag(Tag::GeoKeyDirectoryTag, &keys[..])?;
    img.encoder().write_tag(Tag::GdalNodata, "nan")?;
    img.rows_per_strip(STRIP_ROWS)?;
    let mut row = 0u32;
    let mut strip: Vec<f32> = Vec::new();
    while img.next_strip_sample_count() > 0 {
        let n = img.next_strip_sample_count() as usize;
        strip.clear();
        while strip.len() < n {
            // TIFF row 0 is the northernmost grid row.
            let j = i64::from(h - 1 - row);
            strip.extend((0..i64::from(w)).map(|i| s.get(i, j)));
            row += 1;
        }
        img.write_strip(&strip)?;
    }
    img.finish()?;
    Ok(buf.into_inner())
}

/// File name of a target's surface.
pub(crate) fn file_name(target: &str) -> String {
    format!("travel_time_{target}.tif")
}
