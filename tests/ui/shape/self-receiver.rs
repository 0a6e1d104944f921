use syscall_rt::fast_syscall;

struct S;

impl S {
    #[fast_syscall]
    fn getpid(&self) -> i32;
}

fn main() {}
