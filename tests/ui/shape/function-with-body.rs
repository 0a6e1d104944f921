use syscall_rt::fast_syscall;

#[fast_syscall]
fn getpid() -> i32 {
    42
}

fn main() {}
