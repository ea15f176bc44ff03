//! The server process's memory, as the kernel counts it: resident set now
//! (`VmRSS`) and its high-water mark since start (`VmHWM`).

/// Resident memory of process `pid`: (now, peak) in bytes.
pub fn resident(pid: u32) -> anyhow::Result<(u64, u64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let field = |name: &str| -> anyhow::Result<u64> {
        let kb = status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|n| n.parse::<u64>().ok())
            .ok_or_else(|| anyhow::anyhow!("no {name} in /proc/{pid}/status"))?;
        Ok(kb * 1024)
    };
    Ok((field("VmRSS:")?, field("VmHWM:")?))
}

#[cfg(test)]
mod tests {
    #[test]
    fn our_own_memory_is_read() {
        let (now, peak) = super::resident(std::process::id()).expect("/proc is there");
        assert!(now > 0 && peak >= now, "{now} {peak}");
    }
}
