const STEPS = ["Your account", "Sign in", "How people reach you"];

/** Where the person is in the first run, as an ordered list a screen reader reads with its position. */
export function WizardSteps({ current }: { current: number }) {
  return (
    <ol className="wizard-steps" aria-label="Setting up Hearth">
      {STEPS.map((step, index) => (
        <li key={step} aria-current={index + 1 === current ? "step" : undefined} className={index + 1 < current ? "done" : undefined}>
          <span className="step-number" aria-hidden="true">
            {index + 1}
          </span>
          {step}
        </li>
      ))}
    </ol>
  );
}
