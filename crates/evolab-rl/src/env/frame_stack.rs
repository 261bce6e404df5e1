//! Frame stacking, the memory baseline: the policy sees the last k observations side by
//! side, oldest first, zeros before the episode's first (SB3's `VecFrameStack`).

use super::{Action, ActionSpace, Env, InvalidAction, Transition};

pub struct FrameStack<E> {
    env: E,
    frames: usize,
    stacked: Vec<f32>,
}

impl<E: Env> FrameStack<E> {
    pub fn new(env: E, frames: usize) -> Result<Self, String> {
        if frames == 0 {
            return Err("frame stacking needs at least 1 frame".into());
        }
        Ok(FrameStack {
            stacked: vec![0.0; frames * env.observation_dim()],
            env,
            frames,
        })
    }

    /// Drops the oldest frame and writes the stack after `newest` arrived in the last slot.
    fn push(&mut self, observation: &mut [f32]) {
        let d = self.env.observation_dim();
        self.stacked.copy_within(d.., 0);
        let last = self.stacked.len() - d;
        self.stacked[last..].copy_from_slice(&observation[..d]);
        observation.copy_from_slice(&self.stacked);
    }
}

impl<E: Env> Env for FrameStack<E> {
    fn id(&self) -> &'static str {
        self.env.id()
    }

    fn observation_dim(&self) -> usize {
        self.frames * self.env.observation_dim()
    }

    fn action_space(&self) -> ActionSpace {
        self.env.action_space()
    }

    fn reset(&mut self, seed: Option<u64>, observation: &mut [f32]) {
        self.stacked.fill(0.0);
        let d = self.env.observation_dim();
        self.env.reset(seed, &mut observation[..d]);
        self.push(observation);
    }

    fn step(
        &mut self,
        action: Action<'_>,
        observation: &mut [f32],
    ) -> Result<Transition, InvalidAction> {
        let d = self.env.observation_dim();
        let t = self.env.step(action, &mut observation[..d])?;
        self.push(observation);
        Ok(t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::make;

    #[test]
    fn the_stack_holds_the_last_frames_oldest_first() {
        let mut stacked = FrameStack::new(make("Pendulum-v1").unwrap(), 3).unwrap();
        let mut plain = make("Pendulum-v1").unwrap();
        let (mut s, mut o) = (vec![0.0; 9], vec![0.0; 3]);
        stacked.reset(Some(2), &mut s);
        plain.reset(Some(2), &mut o);
        let mut history = vec![vec![0.0f32; 3], vec![0.0; 3], o.clone()];
        assert_eq!(s, history.concat());
        for u in [0.5f32, -1.0, 2.0] {
            stacked.step(Action::Continuous(&[u]), &mut s).unwrap();
            plain.step(Action::Continuous(&[u]), &mut o).unwrap();
            history.remove(0);
            history.push(o.clone());
            assert_eq!(s, history.concat());
        }
        stacked.reset(None, &mut s);
        assert_eq!(&s[..6], &[0.0; 6], "a new episode starts from zeros");
        assert!(FrameStack::new(make("Pendulum-v1").unwrap(), 0).is_err());
    }
}
