package synth

import (
	"fmt"
	"math/rand/v2"
)

// maxHistory bounds a package's release history, so an affected set fits
// in a uint64 bitset.
const maxHistory = 64

// history returns n release versions of one package, strictly increasing
// in the ecosystem's own version order, each written as that ecosystem
// writes it (OSV ranges and explicit lists use these strings; the SBOM
// uses them too, except Go, whose purls add a "v").
func history(e Ecosystem, r *rand.Rand, n int) []string {
	switch e {
	case NPM, CratesIO:
		return semverHistory(r, n, 9)
	case Go:
		return semverHistory(r, n, 1)
	case PyPI:
		return pypiHistory(r, n)
	case Maven:
		return mavenHistory(r, n)
	case Debian:
		return debianHistory(r, n)
	case Alpine:
		return alpineHistory(r, n)
	}
	panic("synth: unknown ecosystem " + string(e))
}

// bump advances major.minor.patch: mostly patches, some minors, few
// majors (never above maxMajor). It reports which part moved (0 major,
// 1 minor, 2 patch).
func bump(r *rand.Rand, v *[3]int, maxMajor int) int {
	switch x := r.IntN(20); {
	case x == 0 && v[0] < maxMajor:
		*v = [3]int{v[0] + 1, 0, 0}
		return 0
	case x < 6:
		*v = [3]int{v[0], v[1] + 1, 0}
		return 1
	default:
		v[2]++
		return 2
	}
}

func start(r *rand.Rand, maxMajor int) [3]int {
	return [3]int{r.IntN(min(maxMajor, 3) + 1), r.IntN(5), r.IntN(4)}
}

// semverHistory: 1.4.2, 1.5.0-beta.1, 1.5.0-rc.1, 1.5.0, 1.5.1, …
func semverHistory(r *rand.Rand, n, maxMajor int) []string {
	v := start(r, maxMajor)
	out := []string{fmt.Sprintf("%d.%d.%d", v[0], v[1], v[2])}
	for len(out) < n {
		if bump(r, &v, maxMajor) < 2 && r.IntN(4) == 0 {
			if r.IntN(2) == 0 {
				out = append(out, fmt.Sprintf("%d.%d.%d-beta.%d", v[0], v[1], v[2], 1+r.IntN(3)))
			}
			out = append(out, fmt.Sprintf("%d.%d.%d-rc.%d", v[0], v[1], v[2], 1+r.IntN(3)))
		}
		out = append(out, fmt.Sprintf("%d.%d.%d", v[0], v[1], v[2]))
	}
	return out[:n]
}

// pypiHistory (PEP 440): 2.3, 2.3.1, 2.3.1.post1, 2.4rc1, 2.4, …
// A zero patch is never written, so no two strings are equal versions.
func pypiHistory(r *rand.Rand, n int) []string {
	v := start(r, 9)
	s := func() string {
		if v[2] == 0 {
			return fmt.Sprintf("%d.%d", v[0], v[1])
		}
		return fmt.Sprintf("%d.%d.%d", v[0], v[1], v[2])
	}
	out := []string{s()}
	for len(out) < n {
		if bump(r, &v, 9) < 2 && r.IntN(4) == 0 {
			out = append(out, fmt.Sprintf("%d.%da1", v[0], v[1]), fmt.Sprintf("%d.%drc1", v[0], v[1]))
		}
		out = append(out, s())
		if r.IntN(10) == 0 {
			out = append(out, s()+".post1")
		}
	}
	return out[:n]
}

// mavenHistory: 3.1.4, 3.2.0-M1, 3.2.0-RC1, 3.2.0, …
func mavenHistory(r *rand.Rand, n int) []string {
	v := start(r, 9)
	out := []string{fmt.Sprintf("%d.%d.%d", v[0], v[1], v[2])}
	for len(out) < n {
		if bump(r, &v, 9) < 2 && r.IntN(4) == 0 {
			if r.IntN(2) == 0 {
				out = append(out, fmt.Sprintf("%d.%d.%d-M1", v[0], v[1], v[2]))
			}
			out = append(out, fmt.Sprintf("%d.%d.%d-RC1", v[0], v[1], v[2]))
		}
		out = append(out, fmt.Sprintf("%d.%d.%d", v[0], v[1], v[2]))
	}
	return out[:n]
}

// debianHistory: 1.2.3-1, 1.2.3-2, 1.2.3-2+deb12u1, 1.3.0~rc1-1, 1.3.0-1,
// and sometimes an epoch ("1:") from some release on.
func debianHistory(r *rand.Rand, n int) []string {
	v := start(r, 9)
	epoch, rev, upd := "", 1, 0
	up := func() string { return fmt.Sprintf("%s%d.%d.%d", epoch, v[0], v[1], v[2]) }
	cur := func() string {
		s := fmt.Sprintf("%s-%d", up(), rev)
		if upd > 0 {
			s += fmt.Sprintf("+deb12u%d", upd)
		}
		return s
	}
	out := []string{cur()}
	for len(out) < n {
		switch x := r.IntN(20); {
		case x < 7:
			rev, upd = rev+1, 0
		case x < 10:
			upd++
		default:
			if epoch == "" && r.IntN(12) == 0 {
				epoch = "1:"
			}
			if bump(r, &v, 9) < 2 && r.IntN(4) == 0 {
				out = append(out, fmt.Sprintf("%s~rc1-1", up()))
			}
			rev, upd = 1, 0
		}
		out = append(out, cur())
	}
	return out[:n]
}

// alpineHistory: 1.2.3-r0, 1.2.3-r1, 1.2.3_p1-r0, 1.3.0_rc1-r0, 1.3.0-r0, …
func alpineHistory(r *rand.Rand, n int) []string {
	v := start(r, 9)
	suffix, rel := "", 0
	cur := func() string { return fmt.Sprintf("%d.%d.%d%s-r%d", v[0], v[1], v[2], suffix, rel) }
	out := []string{cur()}
	for len(out) < n {
		switch x := r.IntN(20); {
		case x < 8:
			rel++
		case x == 8 && suffix == "":
			suffix, rel = "_p1", 0
		default:
			if bump(r, &v, 9) < 2 && r.IntN(4) == 0 {
				out = append(out, fmt.Sprintf("%d.%d.%d_rc1-r0", v[0], v[1], v[2]))
			}
			suffix, rel = "", 0
		}
		out = append(out, cur())
	}
	return out[:n]
}
