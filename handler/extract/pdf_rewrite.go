package extract

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
)

// rewritePlain writes the document as a plain PDF: every object decrypted,
// objects taken out of object streams, a classic xref table and a trailer
// without /Encrypt. It lets github.com/ledongthuc/pdf read files it cannot
// open itself (AES-256 encryption, a damaged xref). Stream data keeps its
// filters; only the encryption is removed.
func (d *pdfDoc) rewritePlain() ([]byte, error) {
	nums := make([]int, 0, len(d.xref))
	for n := range d.xref {
		nums = append(nums, n)
	}
	slices.Sort(nums)
	var buf bytes.Buffer
	buf.WriteString("%PDF-1.7\n%\xE2\xE3\xCF\xD3\n")
	offsets := map[int]int{}
	for i, n := range nums {
		if i%256 == 0 && d.ctx.Err() != nil {
			return nil, d.ctx.Err()
		}
		if d.crypt != nil && n == d.crypt.dictNum {
			continue
		}
		obj, err := d.load(n)
		if err != nil {
			if _, isVerdict := asContentError(err); isVerdict {
				return nil, err
			}
			continue
		}
		if s, ok := obj.(*pdfStream); ok {
			if t := s.dict["Type"]; t == pdfName("ObjStm") || t == pdfName("XRef") {
				continue
			}
		}
		offsets[n] = buf.Len()
		fmt.Fprintf(&buf, "%d 0 obj\n", n)
		if err := d.writeObject(&buf, obj, 0); err != nil {
			return nil, err
		}
		buf.WriteString("\nendobj\n")
		if int64(buf.Len()) > d.lim.MaxInflatedBytes+int64(len(d.data)) {
			return nil, errLimit("rewritten pdf grows past its budget")
		}
	}
	size := 1
	if len(nums) > 0 {
		size = nums[len(nums)-1] + 1
	}
	xref := buf.Len()
	fmt.Fprintf(&buf, "xref\n0 %d\n0000000000 65535 f\r\n", size)
	for n := 1; n < size; n++ {
		if off, ok := offsets[n]; ok {
			fmt.Fprintf(&buf, "%010d 00000 n\r\n", off)
		} else {
			buf.WriteString("0000000000 65535 f\r\n")
		}
	}
	fmt.Fprintf(&buf, "trailer\n<< /Size %d", size)
	for _, k := range []pdfName{"Root", "Info"} {
		if r, ok := d.trailer[k].(pdfRef); ok {
			fmt.Fprintf(&buf, " /%s %d 0 R", k, r.num)
		}
	}
	fmt.Fprintf(&buf, " >>\nstartxref\n%d\n%%%%EOF\n", xref)
	return buf.Bytes(), nil
}

// writeObject serialises o. References keep their numbers with generation
// 0, which is how the rewritten xref lists every object.
func (d *pdfDoc) writeObject(buf *bytes.Buffer, o any, depth int) error {
	if depth > d.lim.MaxNesting {
		return errLimit("pdf objects nest deeper than %d", d.lim.MaxNesting)
	}
	switch v := o.(type) {
	case nil:
		buf.WriteString("null")
	case bool:
		buf.WriteString(strconv.FormatBool(v))
	case int64:
		buf.WriteString(strconv.FormatInt(v, 10))
	case float64:
		buf.WriteString(strconv.FormatFloat(v, 'f', -1, 64))
	case pdfName:
		writeName(buf, string(v))
	case pdfString:
		fmt.Fprintf(buf, "<%x>", []byte(v))
	case pdfRef:
		fmt.Fprintf(buf, "%d 0 R", v.num)
	case pdfArray:
		buf.WriteByte('[')
		for _, e := range v {
			buf.WriteByte(' ')
			if err := d.writeObject(buf, e, depth+1); err != nil {
				return err
			}
		}
		buf.WriteString(" ]")
	case pdfDict:
		return d.writeDict(buf, v, depth, -1)
	case *pdfStream:
		return d.writeStream(buf, v, depth)
	}
	return nil
}

func (d *pdfDoc) writeDict(buf *bytes.Buffer, v pdfDict, depth, length int) error {
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, string(k))
	}
	slices.Sort(keys)
	buf.WriteString("<<")
	for _, k := range keys {
		if length >= 0 && k == "Length" {
			continue
		}
		buf.WriteByte(' ')
		writeName(buf, k)
		buf.WriteByte(' ')
		if err := d.writeObject(buf, v[pdfName(k)], depth+1); err != nil {
			return err
		}
	}
	if length >= 0 {
		fmt.Fprintf(buf, " /Length %d", length)
	}
	buf.WriteString(" >>")
	return nil
}

func (d *pdfDoc) writeStream(buf *bytes.Buffer, s *pdfStream, depth int) error {
	data := s.raw
	if d.crypt != nil {
		data = d.crypt.decryptStream(data, s.num, s.gen)
	}
	if err := d.writeDict(buf, s.dict, depth, len(data)); err != nil {
		return err
	}
	buf.WriteString("\nstream\n")
	buf.Write(data)
	buf.WriteString("\nendstream")
	return nil
}

// writeName writes /name with #xx escapes for delimiters, spaces and
// non-printing bytes.
func writeName(buf *bytes.Buffer, s string) {
	buf.WriteByte('/')
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '!' || c > '~' || c == '#' || isPDFDelim(c) {
			fmt.Fprintf(buf, "#%02X", c)
			continue
		}
		buf.WriteByte(c)
	}
}
