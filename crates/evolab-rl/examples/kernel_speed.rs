//! Throughput of PPO's product kernels and of the vectorised tanh on the shapes a 64×64
//! network trains with (minibatches of 64):
//!
//!     cargo run --release -p evolab-rl --example kernel_speed

use std::time::Instant;

use evolab_rl::ppo::kernels::{add_product, add_transposed_product, transpose, Shape};

fn time(label: &str, flops: f64, mut f: impl FnMut()) {
    let repeats = 20_000;
    f();
    let start = Instant::now();
    for _ in 0..repeats {
        f();
    }
    let per_call = start.elapsed().as_secs_f64() / repeats as f64;
    let rate = if flops > 0.0 {
        format!(", {:.1} GFLOP/s", flops / per_call / 1e9)
    } else {
        String::new()
    };
    println!("{label:<40} {:>8.2} µs{rate}", per_call * 1e6);
}

fn main() {
    let s = Shape {
        rows: 64,
        inputs: 64,
        outputs: 64,
    };
    let x: Vec<f32> = (0..4096).map(|i| (i as f32 * 0.37).sin()).collect();
    let w: Vec<f32> = (0..4096).map(|i| (i as f32 * 0.11).cos()).collect();
    let mut y = vec![0.0f32; 4096];
    let flops = 2.0 * 64.0 * 64.0 * 64.0;
    time("Y += X·W (64×64×64)", flops, || {
        add_product(s, &x, &w, &mut y)
    });
    time("G += Xᵀ·D (64×64×64)", flops, || {
        add_transposed_product(s, &x, &w, &mut y)
    });
    let head = Shape {
        rows: 64,
        inputs: 64,
        outputs: 2,
    };
    time(
        "Y += X·W (64×64×2, policy head)",
        2.0 * 64.0 * 64.0 * 2.0,
        || add_product(head, &x, &w, &mut y),
    );
    let mut t = Vec::new();
    time("transpose 64×64", 0.0, || transpose(64, 64, &w, &mut t));
    let mut z = x.clone();
    time("tanh of 4096 values", 0.0, || {
        z.copy_from_slice(&x);
        evolab_fastmath::tanh_in_place(&mut z)
    });
    assert!(y.iter().all(|v| v.is_finite()) && z[0].is_finite());
}
