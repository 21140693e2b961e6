// Checks the packed packages; .ci/run calls it after `dotnet pack`:
//   dotnet run .ci/check-packages.cs -- <packages folder> <repository root>
// Every package must name its commit (nuspec repository/@commit), pack its own README (first line
// "# <id>") and the icon, and no packed assembly or PDB may carry the build machine's path (the
// repository root). A portable PDB stores a document's path in parts, so `strings | grep` cannot
// see it; the documents are read with System.Reflection.Metadata instead.
using System.IO.Compression;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Xml.Linq;

if (args.Length != 2)
{
    Console.Error.WriteLine("usage: dotnet run .ci/check-packages.cs -- <packages folder> <repository root>");
    return 2;
}

var folder = args[0];
var root = Path.GetFullPath(args[1]).TrimEnd('/') + "/";
var failures = new List<string>();
var packages = Directory.GetFiles(folder, "*.nupkg");
if (packages.Length == 0)
{
    failures.Add($"no .nupkg in {folder}");
}

foreach (var path in packages)
{
    using var zip = ZipFile.OpenRead(path);
    var name = Path.GetFileName(path);
    var nuspecEntry = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal) && !e.FullName.Contains('/', StringComparison.Ordinal));
    XDocument nuspec;
    using (var stream = nuspecEntry.Open())
    {
        nuspec = XDocument.Load(stream);
    }

    var ns = nuspec.Root!.Name.Namespace;
    var metadata = nuspec.Root.Element(ns + "metadata")!;
    var id = metadata.Element(ns + "id")!.Value;
    var commit = metadata.Element(ns + "repository")?.Attribute("commit")?.Value ?? string.Empty;
    if (commit.Length != 40 || !commit.All(Uri.IsHexDigit))
    {
        failures.Add($"{name}: the nuspec names no repository commit");
    }

    var readme = zip.GetEntry("README.md");
    if (metadata.Element(ns + "readme")?.Value != "README.md" || readme is null)
    {
        failures.Add($"{name}: no README.md packed as the package's readme");
    }
    else
    {
        using var reader = new StreamReader(readme.Open());
        if (reader.ReadLine() != $"# {id}")
        {
            failures.Add($"{name}: README.md is not the package's own (its first line is not '# {id}')");
        }
    }

    var icon = zip.GetEntry("icon.png");
    if (metadata.Element(ns + "icon")?.Value != "icon.png" || icon is null || !StartsWithPngSignature(icon))
    {
        failures.Add($"{name}: no PNG icon packed as the package's icon");
    }

    foreach (var assembly in zip.Entries.Where(e => e.FullName.EndsWith(".dll", StringComparison.Ordinal)))
    {
        using var pe = new PEReader(new MemoryStream(ReadAll(assembly)));
        foreach (var entry in pe.ReadDebugDirectory().Where(d => d.Type == DebugDirectoryEntryType.CodeView))
        {
            var pdbPath = pe.ReadCodeViewDebugDirectoryData(entry).Path;
            if (pdbPath.StartsWith(root, StringComparison.Ordinal))
            {
                failures.Add($"{name}: {assembly.FullName} names its PDB by the build machine's path {pdbPath}");
            }
        }
    }
}

foreach (var path in Directory.GetFiles(folder, "*.snupkg"))
{
    using var zip = ZipFile.OpenRead(path);
    var pdbs = zip.Entries.Where(e => e.FullName.EndsWith(".pdb", StringComparison.Ordinal)).ToList();
    if (pdbs.Count == 0)
    {
        failures.Add($"{Path.GetFileName(path)}: no PDB in the symbol package");
    }

    foreach (var pdb in pdbs)
    {
        using var provider = MetadataReaderProvider.FromPortablePdbStream(new MemoryStream(ReadAll(pdb)));
        var reader = provider.GetMetadataReader();
        var local = reader.Documents.Select(d => reader.GetString(reader.GetDocument(d).Name)).Where(d => d.StartsWith(root, StringComparison.Ordinal)).ToList();
        if (local.Count > 0)
        {
            failures.Add($"{Path.GetFileName(path)}: {pdb.FullName} names {local.Count} source files by the build machine's path, e.g. {local[0]}");
        }
    }
}

foreach (var failure in failures)
{
    Console.Error.WriteLine(failure);
}

Console.WriteLine(failures.Count == 0
    ? $"package check passed: {packages.Length} packages name their commit, pack their own README and the icon; no packed assembly or PDB names a path under {root}"
    : $"package check failed: {failures.Count} problems");
return failures.Count == 0 ? 0 : 1;

static byte[] ReadAll(ZipArchiveEntry entry)
{
    using var stream = entry.Open();
    using var copy = new MemoryStream();
    stream.CopyTo(copy);
    return copy.ToArray();
}

static bool StartsWithPngSignature(ZipArchiveEntry entry)
{
    byte[] signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
    return ReadAll(entry).AsSpan().StartsWith(signature);
}
