using System.Collections.Immutable;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace Outpost.Engine.Tests.Architecture;

/// <summary>
/// Reads which types of a compiled assembly use which others, from its metadata: base types and
/// interfaces, fields, method signatures and locals, properties, attributes, and every token in every
/// method body (calls, field accesses, casts, typeof, generic arguments, lambdas, async state machines).
/// Because it reads what the compiler emitted, a fully qualified name, an alias or a partly qualified
/// name cannot hide a use. The source file of each use comes from the portable PDB beside the assembly.
/// What the compiler inlines leaves no trace here (a const's value, nameof); a using directive for a
/// type only used that way is caught by <see cref="SourceImports"/>.
/// </summary>
internal sealed class AssemblyTypeUses
{
    // Roslyn's record of the source files of a type that has no method bodies (an interface, an enum).
    static readonly Guid TypeDefinitionDocuments = new("932E74BC-DBA9-4478-8D46-0F32A7BAB3D3");

    readonly MetadataReader _reader;
    readonly MetadataReader? _symbols;
    readonly PEReader _pe;
    readonly string _rootNamespace;
    readonly string _project;
    readonly HashSet<TypeUse> _uses = [];

    AssemblyTypeUses(PEReader pe, MetadataReader? symbols, string rootNamespace, string project)
    {
        _project = project;
        _pe = pe;
        _reader = pe.GetMetadataReader();
        _symbols = symbols;
        _rootNamespace = rootNamespace;
    }

    /// <summary>
    /// Every use of one type by another among the types of <paramref name="assemblyPath"/> whose
    /// namespace starts with <paramref name="rootNamespace"/>; uses of a type by itself are left out.
    /// </summary>
    public static IReadOnlyCollection<TypeUse> Read(string assemblyPath, string rootNamespace)
    {
        using var pe = new PEReader(File.OpenRead(assemblyPath));
        // Without symbols the uses are the same; only their files are unknown (each names its type instead).
        var pdbPath = Path.ChangeExtension(assemblyPath, ".pdb");
        using var pdb = File.Exists(pdbPath) ? MetadataReaderProvider.FromPortablePdbStream(File.OpenRead(pdbPath)) : null;
        var reader = new AssemblyTypeUses(pe, pdb?.GetMetadataReader(), rootNamespace, Path.GetFileNameWithoutExtension(assemblyPath));
        foreach (var type in reader._reader.TypeDefinitions)
            reader.Visit(type);
        return reader._uses;
    }

    void Visit(TypeDefinitionHandle handle)
    {
        var user = Outermost(handle);
        if (!InRoot(user))
            return;
        var type = _reader.GetTypeDefinition(handle);
        var typeFile = FileOf(handle);

        void UseAll(IEnumerable<TypeDefinitionHandle> used, string? file)
        {
            foreach (var u in used)
                Use(user, file ?? typeFile, u);
        }

        if (!type.BaseType.IsNil)
            UseAll(TypesOf(type.BaseType), null);
        foreach (var implementation in type.GetInterfaceImplementations())
            UseAll(TypesOf(_reader.GetInterfaceImplementation(implementation).Interface), null);
        foreach (var parameter in type.GetGenericParameters())
            VisitGenericParameter(parameter, UseAll);
        UseAll(AttributeTypes(type.GetCustomAttributes()), null);

        foreach (var fieldHandle in type.GetFields())
        {
            var field = _reader.GetFieldDefinition(fieldHandle);
            UseAll(field.DecodeSignature(SignatureTypes.Instance, null), null);
            UseAll(AttributeTypes(field.GetCustomAttributes()), null);
        }
        foreach (var propertyHandle in type.GetProperties())
        {
            var property = _reader.GetPropertyDefinition(propertyHandle);
            var signature = property.DecodeSignature(SignatureTypes.Instance, null);
            UseAll(signature.ParameterTypes.Aggregate(signature.ReturnType, (all, p) => all.AddRange(p)), null);
            UseAll(AttributeTypes(property.GetCustomAttributes()), null);
        }
        foreach (var eventHandle in type.GetEvents())
        {
            var definition = _reader.GetEventDefinition(eventHandle);
            UseAll(TypesOf(definition.Type), null);
            UseAll(AttributeTypes(definition.GetCustomAttributes()), null);
        }
        foreach (var methodHandle in type.GetMethods())
        {
            var method = _reader.GetMethodDefinition(methodHandle);
            var file = DocumentOf(methodHandle);
            var signature = method.DecodeSignature(SignatureTypes.Instance, null);
            UseAll(signature.ParameterTypes.Aggregate(signature.ReturnType, (all, p) => all.AddRange(p)), file);
            UseAll(AttributeTypes(method.GetCustomAttributes()), file);
            foreach (var parameter in method.GetParameters())
                UseAll(AttributeTypes(_reader.GetParameter(parameter).GetCustomAttributes()), file);
            foreach (var parameter in method.GetGenericParameters())
                VisitGenericParameter(parameter, (used, _) => UseAll(used, file));
            if (method.RelativeVirtualAddress == 0)
                continue;
            var body = _pe.GetMethodBody(method.RelativeVirtualAddress);
            if (!body.LocalSignature.IsNil)
            {
                var locals = _reader.GetStandaloneSignature(body.LocalSignature).DecodeLocalSignature(SignatureTypes.Instance, null);
                UseAll(locals.SelectMany(l => l), file);
            }
            foreach (var token in IlTokens.In(body))
                UseAll(TypesOf(MetadataTokens.EntityHandle(token)), file);
        }
    }

    void VisitGenericParameter(GenericParameterHandle handle, Action<IEnumerable<TypeDefinitionHandle>, string?> useAll)
    {
        var parameter = _reader.GetGenericParameter(handle);
        foreach (var constraint in parameter.GetConstraints())
            useAll(TypesOf(_reader.GetGenericParameterConstraint(constraint).Type), null);
    }

    /// <summary>The types of this assembly a token names: a type itself, or the type a member belongs to, with any generic arguments.</summary>
    IEnumerable<TypeDefinitionHandle> TypesOf(EntityHandle handle)
    {
        switch (handle.Kind)
        {
            case HandleKind.TypeDefinition:
                return [(TypeDefinitionHandle)handle];
            case HandleKind.TypeSpecification:
                return _reader.GetTypeSpecification((TypeSpecificationHandle)handle).DecodeSignature(SignatureTypes.Instance, null);
            case HandleKind.FieldDefinition:
                return [_reader.GetFieldDefinition((FieldDefinitionHandle)handle).GetDeclaringType()];
            case HandleKind.MethodDefinition:
                return [_reader.GetMethodDefinition((MethodDefinitionHandle)handle).GetDeclaringType()];
            case HandleKind.MemberReference:
                var member = _reader.GetMemberReference((MemberReferenceHandle)handle);
                var signature = member.GetKind() == MemberReferenceKind.Method
                    ? member.DecodeMethodSignature(SignatureTypes.Instance, null) is var m ? m.ParameterTypes.Aggregate(m.ReturnType, (all, p) => all.AddRange(p)) : []
                    : member.DecodeFieldSignature(SignatureTypes.Instance, null);
                return TypesOf(member.Parent).Concat(signature);
            case HandleKind.MethodSpecification:
                var specification = _reader.GetMethodSpecification((MethodSpecificationHandle)handle);
                return TypesOf(specification.Method).Concat(specification.DecodeSignature(SignatureTypes.Instance, null).SelectMany(a => a));
            case HandleKind.StandaloneSignature:
                var standalone = _reader.GetStandaloneSignature((StandaloneSignatureHandle)handle);
                if (standalone.GetKind() != StandaloneSignatureKind.Method)
                    return [];
                var pointer = standalone.DecodeMethodSignature(SignatureTypes.Instance, null);
                return pointer.ParameterTypes.Aggregate(pointer.ReturnType, (all, p) => all.AddRange(p));
            default:
                // Type references (other assemblies), module references, strings.
                return [];
        }
    }

    IEnumerable<TypeDefinitionHandle> AttributeTypes(CustomAttributeHandleCollection attributes) =>
        attributes.SelectMany(a => TypesOf(_reader.GetCustomAttribute(a).Constructor));

    void Use(TypeDefinitionHandle user, string? file, TypeDefinitionHandle used)
    {
        var outer = Outermost(used);
        if (outer == user || !InRoot(outer))
            return;
        _uses.Add(new TypeUse(FullName(user), file, FullName(outer)));
    }

    TypeDefinitionHandle Outermost(TypeDefinitionHandle handle)
    {
        while (_reader.GetTypeDefinition(handle).GetDeclaringType() is { IsNil: false } outer)
            handle = outer;
        return handle;
    }

    bool InRoot(TypeDefinitionHandle handle)
    {
        var ns = _reader.GetString(_reader.GetTypeDefinition(handle).Namespace);
        return ns == _rootNamespace || ns.StartsWith(_rootNamespace + ".", StringComparison.Ordinal);
    }

    string FullName(TypeDefinitionHandle handle)
    {
        var type = _reader.GetTypeDefinition(handle);
        return $"{_reader.GetString(type.Namespace)}.{_reader.GetString(type.Name)}";
    }

    /// <summary>The file a type was written in, or else the file of the type it is nested in.</summary>
    string? FileOf(TypeDefinitionHandle handle) => OwnFileOf(handle) ?? OwnFileOf(Outermost(handle));

    /// <summary>That of its first method with code, else Roslyn's record for types without code, else that of a type nested in it.</summary>
    string? OwnFileOf(TypeDefinitionHandle handle)
    {
        var type = _reader.GetTypeDefinition(handle);
        foreach (var method in type.GetMethods())
            if (DocumentOf(method) is { } file)
                return file;
        if (_symbols is null)
            return null;
        foreach (var information in _symbols.GetCustomDebugInformation(handle))
        {
            var debug = _symbols.GetCustomDebugInformation(information);
            if (_symbols.GetGuid(debug.Kind) != TypeDefinitionDocuments)
                continue;
            var blob = _symbols.GetBlobReader(debug.Value);
            if (blob.RemainingBytes > 0)
                return Relative(_symbols.GetString(_symbols.GetDocument(MetadataTokens.DocumentHandle(blob.ReadCompressedInteger())).Name));
        }
        foreach (var nested in type.GetNestedTypes())
            if (OwnFileOf(nested) is { } file)
                return file;
        return null;
    }

    string? DocumentOf(MethodDefinitionHandle method)
    {
        if (_symbols is null)
            return null;
        var information = _symbols.GetMethodDebugInformation(method);
        if (!information.Document.IsNil)
            return Relative(_symbols.GetString(_symbols.GetDocument(information.Document).Name));
        foreach (var point in information.GetSequencePoints())
            if (!point.Document.IsNil)
                return Relative(_symbols.GetString(_symbols.GetDocument(point.Document).Name));
        return null;
    }

    /// <summary>A source path relative to its project (the folder named like the assembly), e.g. Delivery/RemoteDeliverer.cs.</summary>
    string Relative(string path)
    {
        path = path.Replace('\\', '/');
        var project = "/" + _project + "/";
        var at = path.LastIndexOf(project, StringComparison.Ordinal);
        return at >= 0 ? path[(at + project.Length)..] : path;
    }
}
