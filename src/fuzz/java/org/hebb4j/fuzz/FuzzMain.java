package org.hebb4j.fuzz;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import java.io.PrintWriter;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Runs one fuzz test of {@link FuzzTargets} in this JVM without Maven (.ci/fuzz.sh): Jazzer
 * fuzzes one test per JVM, and Maven's start-up would double the cost of each. Exit status 0
 * when the run found nothing, 1 on a finding (Jazzer has written the input to the corpus).
 */
final class FuzzMain {

  private FuzzMain() {}

  /**
   * Fuzzes one target.
   *
   * @param args the target (a method of {@link FuzzTargets}, e.g. {@code idx}), the time budget
   *     (e.g. {@code 20s}) and the time one input may take before it counts as a hang, in seconds
   */
  public static void main(String[] args) {
    if (args.length != 3) {
      System.err.println("usage: FuzzMain TARGET DURATION HANG_SECONDS");
      System.exit(2);
    }
    LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
        .selectors(selectMethod(FuzzTargets.class, args[0], byte[].class.getName()))
        .configurationParameter("jazzer.max_duration", args[1])
        // Jazzer turns the JUnit timeout into libFuzzer's -timeout; JUnit itself must not apply
        // it to the whole fuzzing run.
        .configurationParameter("junit.jupiter.execution.timeout.testtemplate.method.default",
            args[2] + "s")
        .configurationParameter("junit.jupiter.execution.timeout.mode", "disabled")
        .build();
    Launcher launcher = LauncherFactory.create();
    SummaryGeneratingListener listener = new SummaryGeneratingListener();
    launcher.execute(request, listener);
    TestExecutionSummary s = listener.getSummary();
    s.printFailuresTo(new PrintWriter(System.out, true), 30);
    System.exit(s.getTotalFailureCount() == 0 && s.getTestsSucceededCount() > 0 ? 0 : 1);
  }
}
