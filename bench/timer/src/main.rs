//! `bench-timer OUT -- COMMAND [ARGS...]`: run COMMAND (standard streams inherited), then
//! write `wall_s user_s sys_s maxrss_kib exit_code` to the file OUT.
//!
//! Why not Python's `os.wait4`: a child started from a Python process inherits that
//! process's resident set as the floor of its `ru_maxrss` (Linux carries the peak RSS of the
//! address space replaced by `execve` over into the new program, and Python starts children
//! with vfork), so a benchmark driver that has loaded a large JSON report would see every
//! later child "use" as much memory as the driver itself. This launcher is a few hundred KiB
//! of resident memory, like GNU time, so what it reports is the command's own peak.
use std::io::Write;
use std::process::{exit, Command};
use std::time::Instant;

#[cfg(not(all(target_os = "linux", target_pointer_width = "64")))]
compile_error!("bench-timer reads struct rusage as laid out on 64-bit Linux");

#[repr(C)]
#[derive(Default, Clone, Copy)]
struct Timeval {
    sec: i64,
    usec: i64,
}

/// `struct rusage` on 64-bit Linux: two timevals, then 14 longs (ru_maxrss first, in KiB).
#[repr(C)]
#[derive(Default)]
struct Rusage {
    utime: Timeval,
    stime: Timeval,
    maxrss: i64,
    _rest: [i64; 13],
}

extern "C" {
    fn wait4(pid: i32, status: *mut i32, options: i32, rusage: *mut Rusage) -> i32;
}

fn seconds(t: Timeval) -> f64 {
    t.sec as f64 + t.usec as f64 / 1e6
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 3 || args[1] != "--" {
        eprintln!("usage: bench-timer OUT -- COMMAND [ARGS...]");
        exit(2);
    }
    let start = Instant::now();
    let child = match Command::new(&args[2]).args(&args[3..]).spawn() {
        Ok(child) => child,
        Err(e) => {
            eprintln!("bench-timer: cannot run {}: {e}", args[2]);
            exit(2);
        }
    };
    let mut status = 0i32;
    let mut usage = Rusage::default();
    // SAFETY: wait4 writes an int and a struct rusage, both live and correctly laid out.
    let pid = unsafe { wait4(child.id() as i32, &mut status, 0, &mut usage) };
    let wall = start.elapsed().as_secs_f64();
    if pid < 0 {
        eprintln!("bench-timer: wait4: {}", std::io::Error::last_os_error());
        exit(2);
    }
    // Exit code, or 128 + signal number as a shell reports it.
    let code = if status & 0x7f == 0 {
        (status >> 8) & 0xff
    } else {
        128 + (status & 0x7f)
    };
    let line = format!(
        "{wall:.6} {:.6} {:.6} {} {code}\n",
        seconds(usage.utime),
        seconds(usage.stime),
        usage.maxrss
    );
    let written = std::fs::File::create(&args[0]).and_then(|mut f| f.write_all(line.as_bytes()));
    if let Err(e) = written {
        eprintln!("bench-timer: cannot write {}: {e}", args[0]);
        exit(2);
    }
}
