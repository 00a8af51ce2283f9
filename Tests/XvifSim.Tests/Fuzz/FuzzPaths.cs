namespace XvifSim.Tests.Fuzz;

/// <summary>Where the fuzz project's corpus and campaign script sit in the checkout the tests were built from.</summary>
internal static class FuzzPaths
{
    /// <summary>Tests/XvifSim.Fuzz in the checkout: found by walking up from the test output to XvifSim.sln.</summary>
    public static string FuzzProject
    {
        get
        {
            for (DirectoryInfo? dir = new(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "XvifSim.sln")))
                {
                    return Path.Combine(dir.FullName, "Tests", "XvifSim.Fuzz");
                }
            }

            throw new InvalidOperationException($"no XvifSim.sln above {TestContext.CurrentContext.TestDirectory}");
        }
    }

    /// <summary>The build configuration of the running tests (bin/&lt;configuration&gt;/net10.0).</summary>
    public static string Configuration => new DirectoryInfo(TestContext.CurrentContext.TestDirectory).Parent!.Name;
}
