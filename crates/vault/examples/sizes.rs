//! Print how a store's bytes split between compressed data and filters.
fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args().nth(1).ok_or("dir")?;
    let s = vault::Store::open(std::path::Path::new(&dir))?;
    let (mut comp, mut filt, mut raw, mut n, mut hdr) = (0u64, 0u64, 0u64, 0u64, 0u64);
    for seg in s.segments() {
        for i in 0..seg.file.footer.blocks.len() {
            let (h, _) = seg.file.read_block_header(i)?;
            comp += u64::from(h.comp_len);
            filt += h.filter.byte_len() as u64;
            raw += u64::from(h.raw_len);
            hdr += u64::from(seg.file.footer.blocks[i].len) - u64::from(h.comp_len);
            n += 1;
        }
    }
    println!("blocks {n} comp {comp} filter {filt} hdr_total {hdr} decompressed {raw}");
    Ok(())
}
