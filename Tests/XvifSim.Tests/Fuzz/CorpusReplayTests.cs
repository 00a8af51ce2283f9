using XvifSim.Fuzz;

namespace XvifSim.Tests.Fuzz;

/// <summary>
/// Every committed seed, run in this process through each fuzz target (any
/// bytes are a valid input to either): none may be a finding, so the corpus
/// afl-fuzz starts from exercises the product without tripping a check.
/// </summary>
public class CorpusReplayTests
{
    private static IEnumerable<TestCaseData> Seeds()
    {
        string corpus = Path.Combine(FuzzPaths.FuzzProject, "corpus");
        foreach (string file in Directory.GetFiles(corpus, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            string seed = Path.GetRelativePath(corpus, file);
            foreach (string target in FuzzTargets.Names)
            {
                yield return new TestCaseData(target, file).SetName($"{target} runs {seed}");
            }
        }
    }

    [Test]
    public void EveryTargetHasSeeds()
    {
        foreach (string target in FuzzTargets.Names)
        {
            Assert.That(Directory.GetFiles(Path.Combine(FuzzPaths.FuzzProject, "corpus", target)), Is.Not.Empty, target);
        }
    }

    /// <summary>SharpFuzz may run the first input before afl-fuzz has written it: an empty one.</summary>
    [TestCaseSource(typeof(FuzzTargets), nameof(FuzzTargets.Names))]
    public void AnEmptyInputIsNoFinding(string target)
    {
        using IFuzzTarget fuzz = FuzzTargets.Create(target)!;
        Assert.DoesNotThrow(() => fuzz.Run([]));
    }

    [TestCaseSource(nameof(Seeds))]
    public void ASeedIsNoFinding(string target, string file)
    {
        using IFuzzTarget fuzz = FuzzTargets.Create(target)!;
        Assert.DoesNotThrow(() => fuzz.Run(File.ReadAllBytes(file)));
    }
}
