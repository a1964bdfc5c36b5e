/** Loaded after the first render: the animation engine is not needed to paint the overview. */
export { domAnimation as default } from 'motion/react';
